"v=${toString 2.5}"

let e = ""; in ''
  ${e}  a
    b
''

[ (false -> false || true) (true -> false || false) ]

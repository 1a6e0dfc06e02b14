let v = "  two spaces"; in ''
  x${v}
''

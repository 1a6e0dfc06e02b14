let v = "l1\nl2"; in ''
  a ${v}
  b
''

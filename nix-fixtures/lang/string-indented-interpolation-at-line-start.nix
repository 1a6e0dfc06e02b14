let x = "X"; in ''
    ${x} line
  two
''

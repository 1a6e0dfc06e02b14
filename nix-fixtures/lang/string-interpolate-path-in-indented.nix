''
  file: ${./helpers/data.txt}
''

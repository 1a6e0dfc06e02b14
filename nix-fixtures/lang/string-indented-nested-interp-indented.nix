let inner = ''
  i1
  i2
''; in ''
  outer
  ${inner}
  end
''

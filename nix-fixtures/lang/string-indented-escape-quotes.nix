''
  three quotes: '''
  end
''

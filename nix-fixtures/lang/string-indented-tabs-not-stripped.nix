''
	tab
	indented
''

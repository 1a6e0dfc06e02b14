''
  ''${not interpolated}
  ''$ alone
''

''
      six
    four
        eight
''

{ foo = 1; }.fooo

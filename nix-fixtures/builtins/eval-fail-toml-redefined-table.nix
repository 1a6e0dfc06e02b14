builtins.fromTOML "[a]\nb = 1\n[a]\nc = 2"

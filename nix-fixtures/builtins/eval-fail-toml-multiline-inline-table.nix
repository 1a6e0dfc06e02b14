builtins.fromTOML "a = {\n}"

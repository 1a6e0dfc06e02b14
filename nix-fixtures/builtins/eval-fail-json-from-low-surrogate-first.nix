builtins.fromJSON "\"\\ude00\""

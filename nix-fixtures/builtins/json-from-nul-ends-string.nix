builtins.fromJSON "[\"a\\u0000b\", \"\\u0000\"]"

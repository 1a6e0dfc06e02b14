builtins.fromJSON "{\"a\": [1, 2.5, \"x\", true, false, null, {}], \"b\": {\"c\": []}}"

{ f = x: x; p = builtins.head; pa = builtins.add 1; }

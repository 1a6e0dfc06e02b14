builtins.trace { b = 2; a = [ 1 "x" ]; } null

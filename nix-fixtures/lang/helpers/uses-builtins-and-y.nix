builtins.length [ y y ] + y

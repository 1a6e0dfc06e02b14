builtins.toXML [ 1 (-3) true false null "s" 1.5 0.1 1.0e20 ./helpers/toml-strings.toml ]

builtins.replaceStrings [ "a" ] [ "b" ] ./helpers/toml-strings.toml

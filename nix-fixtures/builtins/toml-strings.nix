builtins.fromTOML (builtins.readFile ./helpers/toml-strings.toml)

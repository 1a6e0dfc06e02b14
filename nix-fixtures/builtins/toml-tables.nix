builtins.fromTOML (builtins.readFile ./helpers/toml-tables.toml)

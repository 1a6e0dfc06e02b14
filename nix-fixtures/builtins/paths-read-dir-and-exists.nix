[ (builtins.readDir ./helpers) (builtins.pathExists ./helpers) (builtins.pathExists ./helpers/nope) (builtins.pathExists ./helpers/toml-strings.toml) ]

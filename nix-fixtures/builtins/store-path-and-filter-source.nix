[ (builtins.path { path = ./helpers/toml-strings.toml; name = "t"; }) (builtins.filterSource (p: t: t != "directory") ./helpers) ]

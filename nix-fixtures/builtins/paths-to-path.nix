[ (builtins.toPath "/a/b/../c") (builtins.toPath "/a//b/") ]

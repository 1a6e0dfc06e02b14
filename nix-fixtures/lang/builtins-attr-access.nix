builtins.length (builtins.attrNames { inherit (builtins) map filter length; })

builtins.length (builtins.fromJSON (builtins.concatStringsSep "" (builtins.genList (_: "[") 1000 ++ builtins.genList (_: "]") 1000)))

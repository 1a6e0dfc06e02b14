builtins.hashString "sha512" (builtins.concatStringsSep "" (builtins.genList toString 10000))

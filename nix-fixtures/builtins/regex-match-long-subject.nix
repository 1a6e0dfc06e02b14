builtins.match "(a*)b" (builtins.concatStringsSep "" (builtins.genList (_: "a") 10000) + "b") == [ (builtins.concatStringsSep "" (builtins.genList (_: "a") 10000)) ]

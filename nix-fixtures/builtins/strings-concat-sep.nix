[ (builtins.concatStringsSep ", " [ "a" "b" "c" ]) (builtins.concatStringsSep "x" [ ]) (builtins.concatStringsSep "" [ "a" "b" ]) (builtins.concatStringsSep "-" [ "a" { outPath = "o"; } ]) ]

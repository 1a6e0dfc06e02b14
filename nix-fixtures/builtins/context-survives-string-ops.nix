let s = (builtins.appendContext "s" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; }); in map (v: builtins.getContext v) [
  (builtins.substring 0 1 s) (builtins.substring 5 1 s) (builtins.concatStringsSep s [ ]) (builtins.concatStringsSep "," [ s ])
  (builtins.replaceStrings [ "s" ] [ "t" ] s) (builtins.replaceStrings [ "a" ] [ s ] "b") (builtins.replaceStrings [ "b" ] [ s ] "b")
  (toString [ s ]) (builtins.toJSON s) ("${s}")
]

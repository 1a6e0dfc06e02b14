let s = builtins.listToAttrs (builtins.genList (i: { name = "k${toString i}"; value = i; }) 50000); in [ (builtins.length (builtins.attrNames s)) s.k49999 ]

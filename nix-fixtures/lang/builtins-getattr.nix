builtins.getAttr "x y" { "x y" = 5; }

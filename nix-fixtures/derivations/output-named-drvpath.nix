(import ./lib.nix).mk { name = "weird"; outputs = [ "out" "drvPath" ]; }

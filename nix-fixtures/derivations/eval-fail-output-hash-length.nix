(import ./lib.nix).mk { name = "x"; outputHashAlgo = "sha256"; outputHash = "abcdef"; }

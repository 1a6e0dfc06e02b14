(import ./lib.nix).mk { name = "fixed-sha1-recursive"; outputHashAlgo = "sha1"; outputHashMode = "recursive"; outputHash = "11f6ad8ec52a2984abaafd7c3b516503785c2072"; }

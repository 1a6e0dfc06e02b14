(import ./lib.nix).mk { name = "fixed-sha1-flat"; outputHashAlgo = "sha1"; outputHashMode = "flat"; outputHash = "11f6ad8ec52a2984abaafd7c3b516503785c2072"; }

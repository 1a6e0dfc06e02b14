(import ./lib.nix).mk { name = "fixed-prefixed"; outputHash = "sha1:11f6ad8ec52a2984abaafd7c3b516503785c2072"; }

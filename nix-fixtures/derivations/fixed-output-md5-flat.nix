(import ./lib.nix).mk { name = "fixed-md5-flat"; outputHashAlgo = "md5"; outputHashMode = "flat"; outputHash = "9dd4e461268c8034f5c8564e155c67a6"; }

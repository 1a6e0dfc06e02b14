(import ./lib.nix).mk { name = "fixed-md5-recursive"; outputHashAlgo = "md5"; outputHashMode = "recursive"; outputHash = "9dd4e461268c8034f5c8564e155c67a6"; }

(import ./lib.nix).mk { name = "fixed-sha256-recursive"; outputHashAlgo = "sha256"; outputHashMode = "recursive"; outputHash = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"; }

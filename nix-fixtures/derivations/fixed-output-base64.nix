(import ./lib.nix).mk { name = "fixed-b64"; outputHashAlgo = "sha256"; outputHash = "LcrBRbU9pdDhVdEBBdFqUq6qzb8vMKxMSzcRaG5NrSo="; }

let
  inherit (import ./lib.nix) mk;
  src = mk { name = "src.tar"; outputHashAlgo = "sha256"; outputHash = "2d6c4e3587a6d4a9a7b0c3b6e3c82c4c2b9f5d33b79d45d7ff4bf2f7b08b66b1"; };
  # Same output, different builder: dependents must not change.
  src2 = mk { name = "src.tar"; builder = "/bin/bash"; outputHashAlgo = "sha256"; outputHash = "2d6c4e3587a6d4a9a7b0c3b6e3c82c4c2b9f5d33b79d45d7ff4bf2f7b08b66b1"; };
in
[ (mk { name = "uses-src"; inherit src; }) (mk { name = "uses-src"; src = src2; }) ]

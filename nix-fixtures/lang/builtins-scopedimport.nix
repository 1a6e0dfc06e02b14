builtins.scopedImport { x = 5; } ./helpers/uses-free-x.nix

builtins.scopedImport { y = 2; } ./helpers/uses-builtins-and-y.nix

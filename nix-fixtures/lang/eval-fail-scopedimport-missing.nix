builtins.scopedImport { } ./helpers/nope.nix

builtins.scopedImport { toString = x: "overridden"; } ./helpers/calls-tostring.nix

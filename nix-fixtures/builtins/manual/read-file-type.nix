# builtins.readFileType (Nix 2.14+), Nix manual: "Determine the directory entry type of a
# filesystem node, being one of "directory", "regular", "symlink", or "unknown"."
[ (builtins.readFileType ./.) (builtins.readFileType ./read-file-type.nix) ]

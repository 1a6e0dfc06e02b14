(import ./lib.nix).mk {
  name = "filtered";
  filtered = builtins.path {
    path = ./inputs/dir;
    name = "only-nix-and-dirs";
    filter = path: type: type == "directory" || builtins.match ".*\\.nix" path != null;
  };
  source = builtins.filterSource (path: type: type != "symlink") ./inputs/dir;
  flat = builtins.path { path = ./inputs/file.txt; recursive = false; };
  named = builtins.path { path = ./inputs/script.sh; name = "renamed"; };
}

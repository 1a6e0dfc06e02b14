{
  dir = builtins.path { path = ./inputs/dir; };
  named = builtins.path { path = ./inputs/dir; name = "renamed"; };
  flat = builtins.path { path = ./inputs/file.txt; recursive = false; };
  flatExe = builtins.path { path = ./inputs/script.sh; recursive = false; };
  filtered = builtins.path { path = ./inputs; filter = p: t: t != "symlink" && baseNameOf p != "drop.log"; };
  withHash = builtins.path { path = ./inputs/file.txt; recursive = false; sha256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"; };
  filterSource = builtins.filterSource (p: t: t == "directory" || baseNameOf p == "b") ./inputs/dir;
  emptyFilter = builtins.filterSource (p: t: false) ./inputs/dir;
}

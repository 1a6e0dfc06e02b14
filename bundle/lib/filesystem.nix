# Questions about paths on disk.
{ lib }:
let
  b = builtins;
in
rec {
  inherit (b) baseNameOf dirOf isPath readDir hashFile;

  # "directory", "regular", "symlink" or "unknown"; an error if `path` does not exist.
  pathType =
    b.readFileType or (
      path:
      if !b.pathExists path then
        throw "lib.filesystem.pathType: Path ${toString path} does not exist."
      else if dirOf path == path then
        "directory"
      else
        (b.readDir (dirOf path)).${baseNameOf path}
    );

  pathIsDirectory = path: b.pathExists path && pathType path == "directory";
  pathIsRegularFile = path: b.pathExists path && pathType path == "regular";

  # Every regular file below `dir`, recursively, as paths.
  listFilesRecursive =
    dir:
    lib.lists.flatten (
      lib.attrsets.mapAttrsToList (
        name: type: if type == "directory" then listFilesRecursive (dir + "/${name}") else dir + "/${name}"
      ) (b.readDir dir)
    );
}

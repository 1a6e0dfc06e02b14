{
  text = builtins.readFile ./inputs/file.txt;
  viaString = builtins.readFile "${toString ./inputs}/file.txt";
  throughSymlink = builtins.readFile ./inputs/symlink;
  bytes = builtins.stringLength (builtins.readFile ./inputs/control.bin);
}

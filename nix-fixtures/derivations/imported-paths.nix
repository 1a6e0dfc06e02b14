(import ./lib.nix).mk {
  name = "imports";
  file = ./inputs/file.txt;
  exe = ./inputs/script.sh;
  dir = ./inputs/dir;
  link = ./inputs/symlink;
  interpolated = "${./inputs/dir}/sub/b";
}

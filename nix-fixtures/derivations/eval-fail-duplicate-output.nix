(import ./lib.nix).mk {
  name = "x";
  outputs = [ "out" "dev" "out" ];
}

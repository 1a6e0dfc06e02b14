(import ./lib.nix).mk {
  name = "x.drv";
}

(import ./lib.nix).mk {
  name = "x";
  __contentAddressed = true;
}

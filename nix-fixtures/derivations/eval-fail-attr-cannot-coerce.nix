(import ./lib.nix).mk {
  name = "x";
  set = { a = 1; };
}

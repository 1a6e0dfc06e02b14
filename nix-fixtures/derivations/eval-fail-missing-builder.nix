derivation {
  name = "x";
  system = "x";
}

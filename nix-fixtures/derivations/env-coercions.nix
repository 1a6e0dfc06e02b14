(import ./lib.nix).mk {
  name = "coercions";
  int = 42; neg = -7; t = true; f = false; n = null;
  list = [ 1 "two" [ 3 [ ] "x" ] true false null ];
  empty = [ ];
  float = 1.5;
  path = ./inputs/file.txt;
  nested = [ ./inputs/file.txt "s" ];
  withToString = { __toString = self: "custom"; };
  withOutPath = { outPath = "/some/where"; };
}

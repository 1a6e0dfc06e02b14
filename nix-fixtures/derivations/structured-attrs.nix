(import ./lib.nix).mk {
  name = "structured";
  __structuredAttrs = true;
  outputs = [ "out" "dev" ];
  int = 1; float = 2.5; bool = true; nul = null;
  list = [ 1 "a" [ ] { x = 1; } ];
  set = { b = "x"; a = [ true false ]; "with space" = "q\"uote\n"; };
  path = ./inputs/file.txt;
  unicode = "é\t";
}

# Options without a type merge as nixpkgs' mergeDefaultOption does.
let
  lib = import <nixpkgs/lib>;
  eval = lib.evalModules {
    modules = [
      { options = lib.genAttrs [ "lists" "sets" "strings" "bools" "ints" "single" "fn" ] (_: lib.mkOption { }); }
      { lists = [ 1 ]; sets = { a = 1; }; strings = "a"; bools = false; ints = 3; single = { x = 1; }; fn = x: [ x ]; }
      { lists = [ 2 ]; sets = { b = 2; }; strings = "b"; bools = true; ints = 3; }
    ];
  };
in
{
  config = removeAttrs eval.config [ "fn" ];
  fn = eval.config.fn 10;
  type = eval.options.lists.type.name;
}

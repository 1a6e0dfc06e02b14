# The deprecated `args` and `check` arguments of evalModules still work (with a warning).
let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  args = { answer = 42; };
  check = false;
  modules = [
    ({ answer, ... }: { options.a = lib.mkOption { default = answer; }; })
    { undeclared = true; }
  ];
}).config

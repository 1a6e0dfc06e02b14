# Modules of the expected class (or of none) are accepted; `class` is reported back.
let
  lib = import <nixpkgs/lib>;
  eval = lib.evalModules {
    class = "nixos";
    modules = [ { _class = "nixos"; options.a = lib.mkOption { default = 1; }; } { a = 2; } ];
  };
in
{
  inherit (eval) class config;
}

let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    ./order/decl.nix
    { list = [ 1 ]; text = "middle"; csv = "b"; env = "/bin"; }
    { list = lib.mkAfter [ 9 ]; text = lib.mkAfter "last"; csv = lib.mkBefore "a"; }
    { list = lib.mkBefore [ 0 ]; text = lib.mkBefore "first"; env = lib.mkOrder 2000 "/usr/bin"; }
    { list = lib.mkOrder 1200 [ 5 ]; text = lib.mkOrder 700 "early"; }
    { list = [ 2 ]; }
  ];
}).config

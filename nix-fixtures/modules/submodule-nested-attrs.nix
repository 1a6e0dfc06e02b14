# attrsOf (attrsOf submodule) passes the innermost name.
let
  lib = import <nixpkgs/lib>;
  t = lib.types;
in
(lib.evalModules {
  modules = [
    {
      options.zones = lib.mkOption {
        type = t.attrsOf (t.attrsOf (t.submodule ({ name, ... }: { options.id = lib.mkOption { default = name; }; })));
      };
    }
    { zones.eu.paris = { }; zones.eu.rome = { }; zones.us.nyc.id = "custom"; }
  ];
}).config

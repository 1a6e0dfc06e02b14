# Sub-options can be declared as a nested set under an option of submodule type, and the
# option records of a submodule are reachable through getSubOptions.
let
  lib = import <nixpkgs/lib>;
  eval = lib.evalModules {
    modules = [
      { options.srv = lib.mkOption { type = lib.types.submodule { options.a = lib.mkOption { default = 1; }; }; default = { }; }; }
      { options.srv.b = lib.mkOption { default = 2; }; }
      { srv.a = 10; }
    ];
  };
  sub = eval.options.srv.type.getSubOptions [ "srv" ];
in
{
  inherit (eval) config;
  subNames = lib.attrNames (removeAttrs sub [ "_module" ]);
  subLoc = sub.a.loc;
  decls = map baseNameOf eval.options.srv.declarations;
}

# Smaller module-system helpers.
let
  lib = import <nixpkgs/lib>;
  t = lib.types;
  eval = lib.evalModules {
    specialArgs.modulesPath = ./imp;
    modules = [
      ({ modulesPath, ... }: { imports = [ (modulesPath + "/base.nix") ]; })
      (lib.setDefaultModuleLocation "located.nix" { log = [ "located" ]; })
      (lib.modules.importApply ./misc/apply.nix "applied")
      (lib.modules.importJSON ./misc/settings.json)
      {
        options.attrs = lib.mkOption { type = t.attrsOf t.int; };
        options.derived = lib.mkOption { type = t.str; };
        options.checked = lib.mkOption { type = t.int; default = 0; };
        options.json = lib.mkOption { type = t.attrs; };
      }
      { attrs = { a = lib.mkDefault 1; b = 2; }; }
      { attrs = { a = lib.mkForce 3; }; }
      ({ options, ... }: { derived = lib.mkDerivedConfig options.checked (v: "checked is ${toString v}"); })
      { checked = lib.mkAssert true "never shown" 5; }
    ];
  };
in
{
  inherit (eval) config;
  withPrio = lib.modules.mergeAttrDefinitionsWithPrio eval.options.attrs;
  files = eval.options.log.files;
  derivedPrio = eval.options.derived.highestPrio;
  listSub = lib.attrNames ((t.listOf (t.submodule { options.q = lib.mkOption { }; })).getSubOptions [ "l" ]);
  listSubLoc = ((t.listOf (t.submodule { options.q = lib.mkOption { }; })).getSubOptions [ "l" ]).q.loc;
  attrsSubLoc = ((t.attrsWith { elemType = t.submodule { options.q = lib.mkOption { }; }; placeholder = "user"; }).getSubOptions [ "u" ]).q.loc;
}

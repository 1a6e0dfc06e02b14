# specialArgs and _module.args become module arguments; `lib`, `config`, `options` always are.
let
  lib = import <nixpkgs/lib>;
  eval = lib.evalModules {
    specialArgs = { flavour = "vanilla"; };
    modules = [
      ./args/uses-args.nix
      ({ config, ... }: { _module.args.pkgs = { hello = "hello-1.0"; }; })
      ({ options, specialArgs, ... }: {
        options.seen = lib.mkOption { type = lib.types.listOf lib.types.str; };
        config.seen = lib.attrNames specialArgs ++ [ (toString (options ? out)) ];
      })
      ({ lib, moduleType, ... }: { options.typeName = lib.mkOption { default = moduleType.name; }; })
    ];
  };
in
eval.config // { argNames = lib.attrNames eval._module.args; special = eval._module.specialArgs; }

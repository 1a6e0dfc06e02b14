# extendModules adds modules to an evaluation (and may change the prefix and special args).
let
  lib = import <nixpkgs/lib>;
  base = lib.evalModules {
    specialArgs.tag = "base";
    modules = [
      ({ tag, ... }: {
        options.items = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
        options.tag = lib.mkOption { default = tag; };
        config.items = [ "one" ];
      })
    ];
  };
  more = base.extendModules { modules = [ { items = [ "two" ]; } ]; };
  again = more.extendModules { modules = [ { items = lib.mkForce [ "only" ]; } ]; specialArgs.tag = "again"; };
  viaArg = base.config._module.args.extendModules or null;
in
{
  base = base.config;
  more = more.config;
  again = again.config;
  baseUnchanged = base.config.items;
  hasExtendArg = viaArg != null;
  types = [ base.type.name more.type.name ];
  kind = base._type;
}

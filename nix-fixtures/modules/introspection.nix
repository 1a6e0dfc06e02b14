# What option records tell about themselves.
let
  lib = import <nixpkgs/lib>;
  t = lib.types;
  eval = lib.evalModules {
    modules = [
      ./intro/decl.nix
      ./intro/defs-a.nix
      ./intro/defs-b.nix
    ];
  };
  o = eval.options;
  describe = opt: {
    inherit (opt) isDefined highestPrio files definitions loc;
    type = opt.type.name;
    description = opt.type.description;
    declarations = opt.declarations;
    withLocations = opt.definitionsWithLocations;
    shown = "${opt}";
    isOption = lib.isOption opt;
    hasDefault = opt ? default;
  };
in
{
  list = describe o.list;
  forced = describe o.forced;
  untouched = describe o.untouched;
  nested = describe o.group.inner;
  groupIsOption = lib.isOption o.group;
  moduleCheck = o._module.check.value;
  internal = o._module.args.internal or null;
  showOption = lib.showOption [ "a" "b.c" "<name>" "*" "2x" "let" ];
  showFiles = lib.showFiles [ "a.nix" "b.nix" ];
}

# mkMergedOptionModule / mkChangedOptionModule compute a new option from old ones.
let
  lib = import <nixpkgs/lib>;
  run = defs: (lib.evalModules {
    modules = [
      ./ren/decl.nix
      { options.mode = lib.mkOption { type = lib.types.str; default = "plain"; }; }
      (lib.mkMergedOptionModule [ [ "secure" ] [ "fast" ] ] [ "mode" ] (config:
        if config.secure == true then "secure" else if config.fast == true then "fast" else "plain"))
      (lib.mkChangedOptionModule [ "oldPort" ] [ "services" "web" "port" ] (config: config.oldPort + 1))
      defs
    ];
  }).config;
  pick = c: { inherit (c) mode warnings; port = c.services.web.port; };
in
{
  none = pick (run { });
  fast = pick (run { _file = "fast.nix"; fast = true; });
  changed = pick (run { _file = "old.nix"; oldPort = 99; });
}

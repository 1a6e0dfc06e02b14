# The module system over a real nixpkgs lib (scripts/bench.sh passes -I nixpkgs=$NIXPKGS and
# --arg n N): N services declared as attrsOf (submodule …) and defined by four modules with
# mkMerge, mkIf, mkDefault, mkForce, mkBefore and mkAfter, every value forced through toJSON.
{ n ? 1600 }:
let
  lib = import <nixpkgs/lib>;
  inherit (lib) mkOption types mkIf mkMerge mkDefault mkForce mkBefore mkAfter;
  names = builtins.genList (i: "svc${toString i}") n;
  service = { name, config, ... }: {
    options = {
      enable = mkOption { type = types.bool; default = false; };
      port = mkOption { type = types.port; default = 0; };
      script = mkOption { type = types.lines; default = ""; };
      after = mkOption { type = types.listOf types.str; default = [ ]; };
      environment = mkOption { type = types.attrsOf types.str; default = { }; };
      description = mkOption { type = types.str; default = "service ${name}"; };
      user = mkOption { type = types.nullOr types.str; default = null; };
    };
    config = mkIf config.enable { environment.SERVICE = name; };
  };
  declare = { options.services = mkOption { type = types.attrsOf (types.submodule service); default = { }; }; };
  base = { config.services = lib.genAttrs names (name: { enable = mkDefault true; port = 1000; script = "exec ${name}"; }); };
  ordering = { config, ... }: {
    config.services = lib.genAttrs names (name: mkMerge [
      { script = mkBefore "echo starting ${name}"; after = [ "network.target" ]; }
      {
        after = mkIf config.services.${name}.enable (mkAfter [ "multi-user.target" ]);
        environment.PORT = mkIf config.services.${name}.enable (toString config.services.${name}.port);
      }
    ]);
  };
  overrides = { config.services = lib.listToAttrs (lib.imap0 (i: name: {
    inherit name;
    value = if lib.mod i 3 == 0 then { port = mkForce 2000; user = "nobody"; } else { enable = i != 1; };
  }) names); };
  evaluated = lib.evalModules { modules = [ declare base ordering overrides ]; };
in
builtins.stringLength (builtins.toJSON evaluated.config.services)

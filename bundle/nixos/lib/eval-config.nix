# Evaluates a NixOS configuration: the base modules plus the given ones, through the module
# system of `lib`. The result is what `lib.evalModules` returns (config, options, ...) plus the
# package set the modules were given as `pkgs`.
#
# Every module receives, besides config/options/lib:
#   pkgs         the package set, whose `lib` is this same lib;
#   modules      the non-base modules of this evaluation, and
#   baseModules  the base modules, so that a module can evaluate a variant of its own
#                configuration (top-level.nix's nesting, containers);
#   modulesPath  the directory of the NixOS modules, for `imports` and `disabledModules`.
{ system ? builtins.currentSystem
, pkgs ? null
, baseModules ? import ../modules/module-list.nix
, modules
, extraArgs ? { }
, specialArgs ? { }
, prefix ? [ ]
, lib ? import ../../lib
}:

let
  pkgs' = if pkgs == null then import ../.. { inherit system lib; } else pkgs;

  moduleArgs = {
    _file = ./eval-config.nix;
    key = ./eval-config.nix;
    config._module.args = extraArgs // {
      inherit modules baseModules;
      pkgs = pkgs';
    };
  };

  result = lib.evalModules {
    inherit prefix;
    modules = baseModules ++ [ moduleArgs ] ++ modules;
    specialArgs = { modulesPath = toString ../modules; } // specialArgs;
  };
in
result // { pkgs = pkgs'; }

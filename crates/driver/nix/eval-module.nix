# How `ntop eval FILE` evaluates a NixOS-style module FILE against a nixos tree (the bundled
# mini-NixOS by default, or `-I nixos=DIR`).
#
# FILE is added to the configuration's modules. When FILE itself declares options that some
# base modules declare (as nixpkgs' top-level.nix does), FILE takes those modules' place: they
# are dropped from the base modules, and `replaced` names them so that ntop can say so.
{ nixos, file }:

let
  # `<nixpkgs/lib>` is the bundled lib by default, or the user's real nixpkgs lib with
  # `-I nixpkgs=DIR`: the configuration is evaluated with it either way.
  lib' = import <nixpkgs/lib>;
  evalConfig = args: import (nixos + "/lib/eval-config.nix") (args // { lib = lib'; });
  baseModules = import (nixos + "/modules/module-list.nix");

  # The configuration without FILE, only to learn which base module declares which option.
  base = evalConfig { modules = [ ]; };
  lib = base.pkgs.lib;
  args = base._module.args // {
    inherit lib baseModules;
    inherit (base) config options;
    modules = [ file ];
    modulesPath = nixos + "/modules";
  };

  imported = import file;
  moduleValue = if builtins.isFunction imported then imported args else imported;
  declared =
    if moduleValue ? options || moduleValue ? config || moduleValue ? imports
    then moduleValue.options or { }
    else { };

  isOption = v: builtins.isAttrs v && (v._type or null) == "option";
  optionPaths = prefix: v:
    if isOption v then [ prefix ]
    else if builtins.isAttrs v then
      builtins.concatLists (map (n: optionPaths (prefix ++ [ n ]) v.${n}) (builtins.attrNames v))
    else [ ];

  declarationsOf = path:
    let opt = lib.attrByPath path null base.options;
    in if isOption opt then map toString (opt.declarations or [ ]) else [ ];

  replaced = lib.unique (builtins.concatMap declarationsOf (optionPaths [ ] declared));
  kept = builtins.filter (m: !(builtins.elem (toString m) replaced)) baseModules;

  result = evalConfig { baseModules = kept; modules = [ file ]; };
in
{
  inherit (result) config options;
  inherit replaced;
}

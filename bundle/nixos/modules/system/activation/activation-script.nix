# The activation script: shell snippets that bring the running system in line with this
# configuration (/etc, users, ...), concatenated in the order their dependencies ask for.
#
# `system.activationScripts` is an attribute set of snippets, each either a string or
# `{ text, deps }`. Its applied value is `{ script = "..."; }`, the whole script, which the top
# level writes to $out/activate (substituting @out@ there).
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption types;

  snippetType = types.either types.str (types.submodule {
    options = {
      text = mkOption {
        type = types.lines;
        description = "The shell code of the snippet.";
      };
      deps = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = "Names of the snippets that must run before this one.";
      };
    };
  });

  normalise = snippet:
    if builtins.isString snippet then { text = snippet; deps = [ ]; } else snippet;

  # Depth-first: each snippet after its dependencies, otherwise in name order. A dependency on
  # an undefined snippet, or a cycle, is an error.
  orderSnippets = snippets:
    let
      visit = state: name:
        if builtins.elem name state.done then state
        else if builtins.elem name state.visiting then
          throw "system.activationScripts: dependency cycle through '${name}'"
        else if !(snippets ? ${name}) then
          throw "system.activationScripts: '${name}' is a dependency but is not defined"
        else
          let
            inner = builtins.foldl' visit
              (state // { visiting = state.visiting ++ [ name ]; })
              snippets.${name}.deps;
          in
          inner // {
            visiting = state.visiting;
            done = inner.done ++ [ name ];
          };
      final = builtins.foldl' visit { visiting = [ ]; done = [ ]; } (builtins.attrNames snippets);
    in
    final.done;

  makeScript = set:
    let
      snippets = builtins.mapAttrs (_: normalise) set;
      section = name: ''
        # ${name}
        ${snippets.${name}.text}
      '';
    in
    ''
      #! ${pkgs.bash}/bin/bash

      systemConfig=@out@

      export PATH=/empty
      for i in ${toString config.system.activationPackages}; do
          PATH=$PATH:$i/bin:$i/sbin
      done

      # A consistent umask for everything below.
      umask 0022

      ${lib.concatMapStrings section (orderSnippets snippets)}
      # This configuration is now the current one.
      ln -sfn "$(readlink -f "$systemConfig")" /run/current-system
    '';
in
{
  options = {
    system.activationScripts = mkOption {
      type = types.attrsOf snippetType;
      default = { };
      example = {
        stdio = { text = "# set up /dev/stdin and friends"; deps = [ ]; };
      };
      description = ''
        Snippets of shell code run at activation, each a string or `{ text, deps }`. The
        option's applied value is `{ script }`, the complete activation script.
      '';
      apply = set: { script = makeScript set; };
    };

    system.activationPackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      internal = true;
      description = "Packages whose bin and sbin directories the activation script puts on PATH.";
    };
  };

  config = {
    system.activationPackages = [ pkgs.coreutils pkgs.utillinux pkgs.bash ];

    system.activationScripts.stdio = ''
      # Some programs want /dev/std{in,out,err}.
      mkdir -p /dev
      for fd in 0:stdin 1:stdout 2:stderr; do
          ln -sfn "/proc/self/fd/''${fd%%:*}" "/dev/''${fd#*:}"
      done
    '';

    system.activationScripts.var = {
      text = ''
        mkdir -p /var/log /var/lib /var/empty /run /tmp
        chmod 1777 /tmp
      '';
      deps = [ ];
    };
  };
}

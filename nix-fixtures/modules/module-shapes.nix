# Modules as sets with config/options, shorthand sets, functions, paths, and files that are
# functions; `_file` and `key`; `meta`; modules that are mkIf/mkOverride.
let
  lib = import <nixpkgs/lib>;
  eval = lib.evalModules {
    modules = [
      { options.log = lib.mkOption { type = lib.types.listOf lib.types.str; }; options.meta = lib.mkOption { default = { }; type = lib.types.attrs; }; }
      { config.log = [ "explicit" ]; }
      { log = [ "shorthand" ]; }
      ({ ... }: { log = [ "function" ]; })
      ./shapes/file.nix
      ./shapes/plain.nix
      { _file = "named.nix"; log = [ "named" ]; }
      { key = "k"; meta.maintainer = "me"; config.log = [ "keyed" ]; }
      (lib.mkIf true { log = [ "module-is-mkIf" ]; })
      (lib.mkIf false { log = [ "never" ]; })
      (lib.mkOverride 100 { log = [ "override-100" ]; })
    ];
  };
in
{
  inherit (eval.config) log meta;
  files = eval.options.log.files;
}

let
  lib = import <nixpkgs/lib>;
  t = lib.types;
  eval = lib.evalModules {
    modules = [
      {
        freeformType = t.attrsOf (t.either t.int t.str);
        options.declared = lib.mkOption { type = t.int; default = 1; };
      }
      { extra = "free"; count = 5; declared = 2; }
      { count = lib.mkForce 6; }
      {
        options.settings = lib.mkOption {
          type = t.submodule {
            freeformType = t.attrsOf t.str;
            options.known = lib.mkOption { type = t.str; default = "k"; };
          };
          default = { };
        };
      }
      { settings.anything = "goes"; }
    ];
  };
in
{
  inherit (eval) config;
  settingsType = eval.options.settings.type.description;
}

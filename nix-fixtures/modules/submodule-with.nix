# submoduleWith: specialArgs reach the submodule; shorthand definitions with
# shorthandOnlyDefinesConfig = false may be whole modules; modules as paths.
let
  lib = import <nixpkgs/lib>;
  t = lib.types;
in
(lib.evalModules {
  modules = [
    {
      options.box = lib.mkOption {
        type = t.submoduleWith {
          specialArgs = { greeting = "hello"; };
          modules = [
            ./sub/box.nix
          ];
        };
      };
    }
    { box = { options.extra = lib.mkOption { default = "declared by a definition"; }; config.size = 3; }; }
    { box = { greeting, ... }: { text = "${greeting} from a definition"; }; }
  ];
}).config

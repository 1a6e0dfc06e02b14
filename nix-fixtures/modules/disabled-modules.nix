# disabledModules by path, by string relative to modulesPath, and by key. A disabled
# module's imports go with it unless imported elsewhere.
let
  lib = import <nixpkgs/lib>;
  run = extra: (lib.evalModules {
    specialArgs.modulesPath = ./dis;
    modules = [
      ./imp/base.nix
      ./dis/a.nix
      ./dis/b.nix
      ./dis/d.nix
      { key = "by-key"; log = [ "keyed" ]; }
    ] ++ extra;
  }).config.log;
in
{
  none = run [ ];
  path = run [ { disabledModules = [ ./dis/a.nix ]; } ];
  string = run [ { disabledModules = [ "b.nix" ]; } ];
  absoluteString = run [ { disabledModules = [ (toString ./dis/d.nix) ]; } ];
  key = run [ { disabledModules = [ { key = "by-key"; } ]; } ];
  nested = run [ { imports = [ { disabledModules = [ ./imp/shared.nix ]; } ]; } ];
}

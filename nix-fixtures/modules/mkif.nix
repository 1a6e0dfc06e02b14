let
  lib = import <nixpkgs/lib>;
  run = extra: (lib.evalModules { modules = [ ./mkif/decl.nix ./mkif/uses-config.nix ./mkif/never.nix ] ++ extra; }).config;
in
{
  off = run [ ];
  on = run [ { enable = true; } ];
  nested = run [
    { enable = true; }
    ({ config, lib, ... }: lib.mkIf config.enable (lib.mkIf config.other { name = "both"; }))
    ({ config, lib, ... }: { nested.b = lib.mkIf (!config.other) 5; })
  ];
  inOption = run [ { name = lib.mkIf true "yes"; items = lib.mkIf false [ "no" ]; } ];
  mergeInside = run [
    { items = lib.mkMerge [ [ "a" ] (lib.mkIf true [ "b" ]) (lib.mkIf false [ "c" ]) ]; }
  ];
  mergeTop = run [
    { config = lib.mkMerge [ { items = [ "x" ]; } (lib.mkIf true { name = "merged"; }) ]; }
  ];
  ifOverride = run [ { name = lib.mkIf true (lib.mkForce "forced"); } { name = "plain"; } ];
}

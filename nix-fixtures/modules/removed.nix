# mkRemovedOptionModule: defining the option adds a failing assertion.
let
  lib = import <nixpkgs/lib>;
  run = extra: (lib.evalModules {
    modules = [
      ./ren/decl.nix
      (lib.mkRemovedOptionModule [ "services" "web" "legacy" ] "Use services.web.port instead.")
    ] ++ extra;
  }).config.assertions;
in
{
  unused = run [ ];
  used = run [ ./ren/legacy.nix ];
}

let
  lib = import <nixpkgs/lib>;
in
(lib.evalModules {
  modules = [
    ./ren/decl.nix
    (lib.mkRemovedOptionModule [ "services" "web" "legacy" ] "Use services.web.port instead.")
    ./ren/legacy.nix
  ];
}).config.services.web.legacy

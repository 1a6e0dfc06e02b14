# mkRenamedOptionModule: definitions move to the new name, with a warning in `warnings`;
# reading the old name traces.
let
  lib = import <nixpkgs/lib>;
  eval = lib.evalModules {
    modules = [
      ./ren/decl.nix
      (lib.mkRenamedOptionModule [ "httpPort" ] [ "services" "web" "port" ])
      ./ren/old-name.nix
    ];
  };
in
{
  inherit (eval.config) services warnings;
  old = eval.config.httpPort;
}

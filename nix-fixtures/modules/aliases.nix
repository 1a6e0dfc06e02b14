# mkAliasOptionModule forwards definitions (with their priority) and reads through.
let
  lib = import <nixpkgs/lib>;
  eval = lib.evalModules {
    modules = [
      ./ren/decl.nix
      (lib.mkAliasOptionModule [ "webPort" ] [ "services" "web" "port" ])
      (lib.mkAliasOptionModule [ "hosts" ] [ "services" "web" "hosts" ])
      { webPort = lib.mkDefault 8080; hosts = [ "a" ]; services.web.hosts = [ "b" ]; }
      { webPort = 8081; }
    ];
  };
in
{
  inherit (eval.config) services warnings webPort hosts;
  aliasType = eval.options.webPort.type.name;
  visible = eval.options.webPort.visible;
}

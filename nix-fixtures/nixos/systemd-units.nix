# systemd.services rendered into unit files: [Unit] from description/after/wants/unitConfig,
# [Service] from environment and path (as PATH), script/preStart (as ExecStart/ExecStartPre
# scripts) and serviceConfig; wantedBy as links in the units tree.
let
  eval = import ./support/eval.nix {
    modules = [
      ({ pkgs, ... }: {
        systemd.services.greeter = {
          description = "Greeter";
          wantedBy = [ "multi-user.target" ];
          after = [ "network.target" ];
          wants = [ "network.target" ];
          path = [ pkgs.perl ];
          environment = { GREETING = "hello"; LANG = "C"; };
          preStart = "mkdir -p /var/lib/greeter";
          script = ''
            echo "$GREETING" > /var/lib/greeter/greeting
          '';
          serviceConfig = { Type = "oneshot"; RemainAfterExit = true; TimeoutSec = 30; };
          unitConfig.ConditionPathExists = [ "/var/lib" "/run" ];
        };
        systemd.services.disabled = { description = "Never installed"; enable = false; };
        systemd.units."extra.target".text = "[Unit]\nDescription=Extra\n";
      })
    ];
  };
  inherit (import ./support/facts.nix) drv;
  inherit (eval) config;
in
{
  units = builtins.mapAttrs (_: unit: { inherit (unit) enable wantedBy text; }) config.systemd.units;
  unitsTree = drv config.system.build.units;
}

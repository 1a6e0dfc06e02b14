# The bundled package set (bundle/default.nix): the stand-ins NixOS uses, the attributes the
# seed reads of them, and the trivial builders.
let
  pkgs = import ../../bundle { system = "x86_64-linux"; };
  inherit (import ./support/facts.nix) drv;
in
{
  kernelTarget = pkgs.stdenv.platform.kernelTarget;
  interfaceVersion = pkgs.systemd.interfaceVersion;
  kernelVersion = pkgs.linuxPackages.kernel.version;
  packages = builtins.mapAttrs (_: drv) {
    inherit (pkgs) coreutils utillinux perl systemd bash openssh linux firmwareLinuxNonfree;
    FileSlurp = pkgs.perlPackages.FileSlurp;
    stdenvSetup = pkgs.stdenv.setup;
    text = pkgs.writeText "greeting" "hello\n";
    script = pkgs.writeScript "hello" "#! /bin/bash\necho hello\n";
    command = pkgs.runCommand "command" { value = "42"; } "echo $value > $out";
    joined = pkgs.symlinkJoin { name = "joined"; paths = [ pkgs.coreutils pkgs.bash ]; };
    env = pkgs.buildEnv { name = "env"; paths = [ pkgs.perl ]; pathsToLink = [ "/bin" ]; };
    initrd = pkgs.makeInitrd { root = pkgs.writeTextFile { name = "root"; text = "x"; destination = "/init"; }; };
  };
}

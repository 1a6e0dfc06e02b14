let script = builtins.toFile "script.sh" "echo hi > $out\n"; in
derivation {
  name = "sources";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ script ];
  data = ./simple.nix;
  simpleDrv = (import ./simple.nix).drvPath;
}

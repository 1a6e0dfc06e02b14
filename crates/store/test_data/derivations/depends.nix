let multi = import ./multi.nix; simple = import ./simple.nix; in
derivation {
  name = "depends";
  system = "x86_64-linux";
  builder = "${simple}/bin/sh";
  args = [ "-c" "cat ${multi.dev}/x > $out" ];
  lib = multi.lib;
}

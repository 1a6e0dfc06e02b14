# extendDerivation, hydraJob, overrideDerivation and callPackagesWith on real derivations.
let
  lib = import <nixpkgs/lib>;
  mk = name: derivation { inherit name; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo" ]; };
  drv = mk "base";
  extended = lib.extendDerivation true { extra = "e"; } drv;
  job = lib.hydraJob (drv // { meta = { }; });
  overridden = lib.overrideDerivation drv (old: { name = "changed"; });
  pkgs = lib.callPackagesWith { n = "p"; } ({ n }: { one = mk "${n}1"; two = mk "${n}2"; }) { };
in
{
  extended = { inherit (extended) extra name; same = extended.outPath == drv.outPath; outNames = builtins.attrNames extended.out; };
  job = { inherit (job) name outputs type; drvPath = job.drvPath == drv.drvPath; };
  overridden = overridden.name;
  pkgs = lib.mapAttrs (_: p: p.name) pkgs;
  pkgOverride = (pkgs.one.override { n = "q"; }).name;
}

# 1,000 derivations in a dependency graph: derivation i depends on i/2 and i-1 (and, every
# seventh, on a fixed-output source), with two outputs each. `ntop instantiate` of it writes
# (or, with --dry-run, computes) every .drv file; scripts/bench.sh times it against Nix.
let
  system = "x86_64-linux";
  src = derivation {
    name = "src.tar.gz";
    inherit system;
    builder = "/bin/sh";
    outputHashAlgo = "sha256";
    outputHash = "0000000000000000000000000000000000000000000000000000000000000000";
  };
  node = i: derivation {
    name = "node-${toString i}";
    inherit system;
    builder = "/bin/sh";
    args = [ "-c" "echo ${toString i} > $out; mkdir $dev" ];
    outputs = [ "out" "dev" ];
    deps = if i == 0 then [ ] else [ nodes.${toString (i / 2)} nodes.${toString (i - 1)}.dev ];
    src = if i - (i / 7) * 7 == 0 then src else null;
  };
  nodes = builtins.listToAttrs (builtins.genList (i: { name = toString i; value = node i; }) 1000);
in
nodes.${"999"}

# Two fixed-output derivations with the same output but different builders: their
# hashes modulo are equal, so this derivation's hash does not depend on which is used.
let
  a = import ./fixed-flat-sha256.nix;
  b = derivation {
    name = "fixed-flat-sha256";
    system = "x86_64-linux";
    builder = "/bin/bash";
    outputHashAlgo = "sha256";
    outputHash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  };
in
derivation {
  name = "depends-fixed";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ a b (import ./fixed-rec-sha512.nix) ];
}

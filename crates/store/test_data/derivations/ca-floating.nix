derivation {
  name = "ca-floating";
  system = "x86_64-linux";
  builder = "/bin/sh";
  __contentAddressed = true;
  outputHashMode = "recursive";
  outputHashAlgo = "sha256";
  outputs = [ "out" "bin" ];
}

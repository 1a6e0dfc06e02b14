derivation {
  name = "fixed-flat-sha256";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "printf abc > $out" ];
  outputHashMode = "flat";
  outputHashAlgo = "sha256";
  outputHash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
}

derivation {
  name = "fixed-rec-sha1";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "printf abc > $out" ];
  outputHashMode = "recursive";
  outputHashAlgo = "sha1";
  outputHash = "a9993e364706816aba3e25717850c26c9cd0d89d";
}

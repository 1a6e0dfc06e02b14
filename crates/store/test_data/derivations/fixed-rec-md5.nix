derivation {
  name = "fixed-rec-md5";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "printf abc > $out" ];
  outputHashMode = "recursive";
  outputHashAlgo = "md5";
  outputHash = "900150983cd24fb0d6963f7d28e17f72";
}

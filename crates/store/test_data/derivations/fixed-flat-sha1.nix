derivation {
  name = "fixed-flat-sha1";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "printf abc > $out" ];
  outputHashMode = "flat";
  outputHashAlgo = "sha1";
  outputHash = "kpcd173cq987hw957sx6m0868wv3x6d9";
}

derivation {
  name = "fixed-rec-sha256";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "printf abc > $out" ];
  outputHashMode = "recursive";
  outputHashAlgo = "sha256";
  outputHash = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s";
}

derivation {
  name = "bytes";
  system = "x86_64-linux";
  builder = "/bin/sh";
  latin1 = "café ÿþ";
}

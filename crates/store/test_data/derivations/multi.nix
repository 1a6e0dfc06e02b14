derivation {
  name = "multi-1.0";
  system = "x86_64-linux";
  builder = "/bin/sh";
  outputs = [ "out" "dev" "lib" "doc" ];
  args = [ "-c" "touch $out $dev $lib $doc" ];
  extra = 42;
  flag = true;
  off = false;
  nothing = null;
  list = [ "a" 1 "b" ];
}

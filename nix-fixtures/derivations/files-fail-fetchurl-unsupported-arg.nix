builtins.fetchurl {
  url = "file:///x";
  md5 = "x";
}

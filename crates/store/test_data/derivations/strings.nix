derivation {
  name = "strings";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "quote \" backslash \\ dollar \${x}" "tab\tnewline\ncr\r" "" ];
  unicode = "é ünïcödé 日本語 🚀";
  controls = builtins.fromJSON ''"\u0001\u0002\u001f\u007f bell\u0007 esc\u001b"'';
  "weird key" = "v";
  "" = "empty key";
}

derivation {
  name = "fixed-flat-sha512";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "printf abc > $out" ];
  outputHashMode = "flat";
  outputHashAlgo = "sha512";
  outputHash = "3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==";
}

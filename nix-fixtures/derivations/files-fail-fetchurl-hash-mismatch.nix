builtins.fetchurl { url = "file://${toString ./inputs/file.txt}"; sha256 = "1111111111111111111111111111111111111111111111111111"; }

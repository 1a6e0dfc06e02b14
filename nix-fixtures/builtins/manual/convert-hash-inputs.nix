# builtins.convertHash (Nix 2.21+), Nix manual: "hash: The hash to be converted. The hash format
# is detected automatically. hashAlgo: … The attribute may be omitted when hash is an SRI hash
# or when the hash is prefixed with the hash algorithm name followed by a colon."
# Expected values: the MD5 of "" is d41d8cd98f00b204e9800998ecf8427e.
[
  (builtins.convertHash { hash = "d41d8cd98f00b204e9800998ecf8427e"; hashAlgo = "md5"; toHashFormat = "sri"; })
  (builtins.convertHash { hash = "md5:d41d8cd98f00b204e9800998ecf8427e"; toHashFormat = "base64"; })
  (builtins.convertHash { hash = "md5-1B2M2Y8AsgTpgAmY7PhCfg=="; toHashFormat = "base16"; })
  (builtins.convertHash { hash = "1B2M2Y8AsgTpgAmY7PhCfg=="; hashAlgo = "md5"; toHashFormat = "base16"; })
]

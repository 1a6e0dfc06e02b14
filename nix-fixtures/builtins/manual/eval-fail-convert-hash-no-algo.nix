# builtins.convertHash (Nix 2.21+), Nix manual: hashAlgo "may be omitted when hash is an SRI
# hash or when the hash is prefixed with the hash algorithm name followed by a colon" — a bare
# hash without it names no algorithm.
builtins.convertHash { hash = "d41d8cd98f00b204e9800998ecf8427e"; toHashFormat = "sri"; }

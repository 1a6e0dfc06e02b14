# builtins.convertHash (Nix 2.21+), Nix manual: toHashFormat "Must be one of "base16",
# "nix32", "base32", "base64", "sri"."
builtins.convertHash { hash = "md5:d41d8cd98f00b204e9800998ecf8427e"; toHashFormat = "hex"; }

# builtins.convertHash (Nix 2.21+), Nix manual: "Return the specified representation of a hash
# string, based on the attributes presented in args": hash (format detected automatically),
# hashAlgo (may be omitted for SRI and "algo:" hashes), toHashFormat ("base16", "nix32",
# "base32" a deprecated alias of "nix32", "base64", "sri"). The manual's example converts
# "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" to
# "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" (the SHA-256 of "").
let h = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; in
map (f: builtins.convertHash { hash = h; toHashFormat = f; }) [ "base16" "nix32" "base32" "base64" "sri" ]

# <nix/fetchurl.nix>, Nix 2.8's built-in file: each way of naming the hash, unpack,
# executable and a name of one's own give the fixed-output builtin:fetchurl derivation.
let
  fetchurl = import <nix/fetchurl.nix>;
  h = algo: builtins.hashString algo "a";
in
[
  (fetchurl { url = "https://example.org/dist/hello-2.12.tar.gz"; sha256 = h "sha256"; })
  (fetchurl { url = "file:///srv/src.tar.xz"; sha256 = h "sha256"; unpack = true; })
  (fetchurl { url = "http://example.org/bin/tool"; sha256 = h "sha256"; executable = true; })
  (fetchurl { url = "https://example.org/a?b=c"; hash = "sha256-ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs="; name = "a-file"; })
  (fetchurl { url = "https://example.org/x.zip"; sha512 = h "sha512"; unpack = true; })
  (fetchurl { url = "https://example.org/y"; sha1 = h "sha1"; system = "ignored"; })
  (fetchurl { url = "https://example.org/z"; md5 = h "md5"; })
  (fetchurl { url = "https://example.org/w"; outputHash = h "sha256"; outputHashAlgo = "sha256"; })
]

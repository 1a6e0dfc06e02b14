# `<nix/fetchurl.nix>`: the fixed-output derivation that Nix's `builtin:fetchurl` builder
# realises (nixpkgs' stdenv bootstrap imports it). The arguments, their defaults and the
# derivation's attributes are Nix 2.8's, so that the `.drv` is the same byte for byte.
{
  # Ignored: the derivation's system is always "builtin".
  system ? "",
  url,
  # An SRI hash (`sha256-…`), whose algorithm it names.
  hash ? "",
  # A hash of a named algorithm; the first one given wins, in this order: sha512, sha1,
  # md5, sha256.
  md5 ? "",
  sha1 ? "",
  sha256 ? "",
  sha512 ? "",
  outputHash ?
    if hash != "" then hash
    else if sha512 != "" then sha512
    else if sha1 != "" then sha1
    else if md5 != "" then md5
    else sha256,
  outputHashAlgo ?
    if hash != "" then ""
    else if sha512 != "" then "sha512"
    else if sha1 != "" then "sha1"
    else if md5 != "" then "md5"
    else "sha256",
  # Make the downloaded file executable.
  executable ? false,
  # Unpack the downloaded archive; the output is its single top-level entry.
  unpack ? false,
  name ? baseNameOf (toString url),
}:

derivation {
  inherit name url executable unpack outputHash outputHashAlgo;
  builder = "builtin:fetchurl";
  system = "builtin";
  # An unpacked tree or an executable file is hashed as a NAR, a plain file as its bytes.
  outputHashMode = if unpack || executable then "recursive" else "flat";
  # The download is cheaper than a substitution.
  preferLocalBuild = true;
  # The caller's proxy settings reach the builder (a fixed-output derivation may be
  # impure this way: its output is checked against its hash).
  impureEnvVars = [ "http_proxy" "https_proxy" "ftp_proxy" "all_proxy" "no_proxy" ];
  # What `nix-prefetch-url` reads.
  urls = [ url ];
}

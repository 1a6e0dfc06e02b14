(import ./lib.nix).mk {
  name = "x";
  outputs = [ "out" "dev" ];
  outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
}

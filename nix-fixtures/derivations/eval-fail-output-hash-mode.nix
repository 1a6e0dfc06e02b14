(import ./lib.nix).mk {
  name = "x";
  outputHashMode = "sideways";
  outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
}

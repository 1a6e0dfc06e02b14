./a + "/b.nix"

./a/b/c.nix

{ dir = "default.nix of dir-with-default"; }

let x = "foo"; in ./dir/${x}.nix

# builtins.parseFlakeRef (Nix 2.18+): a flake reference has no fragment (NixOS/nix parseFlakeRef:
# "unexpected fragment 'hello' in flake reference 'nixpkgs#hello'").
builtins.parseFlakeRef "nixpkgs#hello"

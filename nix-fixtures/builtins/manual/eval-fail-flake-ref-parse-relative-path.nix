# builtins.parseFlakeRef (Nix 2.18+): it has no base directory, so a path reference must be
# absolute (NixOS/nix parsePathFlakeRefWithFragment: "flake reference './foo' is not an absolute path").
builtins.parseFlakeRef "./foo"

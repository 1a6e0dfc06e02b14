# builtins.parseFlakeRef (Nix 2.18+): a URL no input scheme accepts (NixOS/nix Input::fromURL:
# "input 'foo:bar' is unsupported").
builtins.parseFlakeRef "foo:bar"

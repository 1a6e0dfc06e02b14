builtins.findFile builtins.nixPath "sp/sp-lib/sub.nix"

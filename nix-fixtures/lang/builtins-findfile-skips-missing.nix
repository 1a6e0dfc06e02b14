builtins.findFile [ { prefix = "x"; path = ./helpers; } { prefix = "x"; path = ./search-path; } ] "x/sp-lib/sub.nix"

# builtins.break (Nix 2.9+), Nix manual: "In debug mode (enabled with --debugger), pause Nix
# expression evaluation and enter the REPL. Otherwise, return the argument v."
[ (builtins.break 1) (builtins.break { a = "x"; }) ]

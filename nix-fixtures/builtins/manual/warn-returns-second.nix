# builtins.warn (Nix 2.23+), Nix manual: "Evaluate e1, which must be a string, and print it
# on standard error as a warning. Then return e2."
builtins.warn "careful" [ 1 2 ]

# builtins.warn (Nix 2.23+), Nix manual: "If the abort-on-warn option is set, the evaluation
# will be aborted after the warning is printed."
builtins.warn "careful" 1

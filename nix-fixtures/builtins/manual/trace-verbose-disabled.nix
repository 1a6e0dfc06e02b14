# builtins.traceVerbose (Nix 2.10+), Nix manual: "… if --trace-verbose is enabled. Then return
# e2." Without the option nothing is printed and e1 is not evaluated.
builtins.traceVerbose (throw "not evaluated") 2

# builtins.traceVerbose (Nix 2.10+), Nix manual: "Evaluate e1 and print its abstract syntax
# representation on standard error if --trace-verbose is enabled. Then return e2."
builtins.traceVerbose "shown" 1

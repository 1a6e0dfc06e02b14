# builtins.addDrvOutputDependencies (Nix 2.19+), Nix manual: "The original string context element
# must not be empty".
builtins.addDrvOutputDependencies "x"

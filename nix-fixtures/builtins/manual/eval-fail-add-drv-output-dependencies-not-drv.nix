# builtins.addDrvOutputDependencies (Nix 2.19+), Nix manual: "The store path that is the constant
# string context element should point to a valid derivation, and end in .drv."
builtins.addDrvOutputDependencies (builtins.appendContext "x" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; })

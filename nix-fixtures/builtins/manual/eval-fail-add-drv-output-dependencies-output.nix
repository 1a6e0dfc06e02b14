# builtins.addDrvOutputDependencies (Nix 2.19+), Nix manual: the element "must not have any other
# type of element other than a constant or derivation deep element" (not a single output).
builtins.addDrvOutputDependencies (builtins.appendContext "x" { "/nix/store/0c5xjy1cvyzl0bkq7hzv7vr8ifbi5kmm-foo.drv" = { outputs = [ "out" ]; }; })

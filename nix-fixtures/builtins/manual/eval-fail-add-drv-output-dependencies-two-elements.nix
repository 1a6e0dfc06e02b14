# builtins.addDrvOutputDependencies (Nix 2.19+), Nix manual: "The original string context element
# must not be empty or have multiple elements".
builtins.addDrvOutputDependencies (builtins.appendContext "x" { "/nix/store/0c5xjy1cvyzl0bkq7hzv7vr8ifbi5kmm-foo.drv" = { path = true; }; "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; })

builtins.getContext (builtins.appendContext "d" { "/nix/store/0c5xjy1cvyzl0bkq7hzv7vr8ifbi5kmm-foo.drv" = { allOutputs = true; outputs = [ "out" "dev" ]; }; })

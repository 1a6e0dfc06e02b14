# builtins.addDrvOutputDependencies (Nix 2.19+), Nix manual: "Create a copy of the given string
# where a single constant string context element is turned into a "derivation deep" string
# context element. … The latter is supported so this function is idempotent. This is the
# opposite of builtins.unsafeDiscardOutputDependency."
let
  s = builtins.appendContext "d" { "/nix/store/0c5xjy1cvyzl0bkq7hzv7vr8ifbi5kmm-foo.drv" = { path = true; }; };
  deep = builtins.addDrvOutputDependencies s;
in
[
  (builtins.getContext deep)
  (builtins.getContext (builtins.addDrvOutputDependencies deep))
  (builtins.getContext (builtins.unsafeDiscardOutputDependency deep))
  deep
]

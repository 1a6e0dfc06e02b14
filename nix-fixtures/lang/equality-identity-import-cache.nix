# A file imported twice (once through another file that imports it) is one value: its
# attributes are the same objects, so the sets compare equal although they hold a function.
# A file whose value is itself a function still compares unequal: the outermost comparison
# of two functions is false, as in Nix.
[
  (import ./helpers/identity/a.nix == import ./helpers/identity/b.nix)
  (import ./helpers/identity/fun.nix == import ./helpers/identity/fun-again.nix)
  ([ (import ./helpers/identity/fun.nix) ] == [ (import ./helpers/identity/fun-again.nix) ])
]

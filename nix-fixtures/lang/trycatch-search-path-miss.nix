# A search-path miss is an error `tryEval` catches (Nix throws it), also behind `import`.
[ (builtins.tryEval <nope>).success (builtins.tryEval (import <nope/x.nix>)).success ]

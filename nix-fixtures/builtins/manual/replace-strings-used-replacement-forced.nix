# builtins.replaceStrings (Nix 2.16+), release notes of Nix 2.16: "to is only evaluated when its
# corresponding pattern in from is matched in the string s": a matched pattern forces its
# replacement (the throw is caught), one that never matches does not (the abort is never
# reached).
[
  (builtins.tryEval (builtins.replaceStrings [ "o" ] [ (throw "x") ] "foo")).success
  (builtins.replaceStrings [ "o" "z" ] [ "0" (abort "never") ] "foo")
]

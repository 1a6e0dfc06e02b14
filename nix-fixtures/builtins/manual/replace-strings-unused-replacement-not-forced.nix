# builtins.replaceStrings (Nix 2.16+), release notes of Nix 2.16: "builtins.replaceStrings is
# now lazy in the value of its second argument to. That is, to is only evaluated when its
# corresponding pattern in from is matched in the string s." Nix 2.8 forces every replacement
# (nix-fixtures/builtins/strings-replace-forces-all-replacements).
builtins.replaceStrings [ "oo" "XX" ] [ "u" (throw "x") ] "foo"

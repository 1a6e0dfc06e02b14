# `s == s` compares the attributes, forcing each (Nix 2.8 eqValues forces before its address test).
let s = { a = throw "attribute forced"; }; in s == s

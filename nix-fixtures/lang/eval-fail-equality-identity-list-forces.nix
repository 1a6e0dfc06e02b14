# `l == l` compares the elements, forcing each (Nix 2.8 eqValues forces before its address test).
let l = [ (throw "element forced") ]; in l == l

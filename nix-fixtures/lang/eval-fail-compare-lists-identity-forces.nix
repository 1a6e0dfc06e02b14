# `<` on lists steps over equal elements with eqValues, which forces them.
let l = [ (throw "element forced") ]; in l < l

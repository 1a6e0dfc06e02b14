# Elements that are the same object compare equal before ordering decides, even functions
# (Nix's eqValues compares addresses first).
let f = x: x; in [ ([ f 42 ] > [ f 21 ]) ([ f 1 ] < [ f 2 ]) ([ f ] < [ f f ]) ]

let f = x: if x > 2 then throw "too big: ${toString x}" else x; in map f [ 1 2 3 ]

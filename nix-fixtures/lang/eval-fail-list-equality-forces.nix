[ (throw "eq forces") ] == [ 1 ]

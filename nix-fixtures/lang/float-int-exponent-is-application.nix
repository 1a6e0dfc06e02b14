let e20 = 5; f = a: b: [ a b ]; in f 1e20

let f = x: { }; in (f 1).a

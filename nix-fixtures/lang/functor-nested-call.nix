let f = { __functor = self: a: b: a + b + self.k; k = 100; }; in f 1 2

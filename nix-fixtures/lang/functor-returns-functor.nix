let f = { __functor = self: x: if x == 0 then self.acc else self // { acc = self.acc + x; }; acc = 0; }; in f 1 2 3 0

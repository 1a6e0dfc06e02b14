map { __functor = self: x: x * self.k; k = 3; } [ 1 2 ]

let f = { __functor = self: { a, b ? self.d }: a + b; d = 5; }; in f { a = 1; }

({ a }: with { a = 2; }; a) { a = 1; }

({ a ? throw "unused default" }: a) { a = 5; }

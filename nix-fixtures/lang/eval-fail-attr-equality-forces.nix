{ a = throw "eq forces attr"; } == { a = 1; }

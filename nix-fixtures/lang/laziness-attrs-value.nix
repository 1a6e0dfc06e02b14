({ a = 1; b = throw "never"; }).a

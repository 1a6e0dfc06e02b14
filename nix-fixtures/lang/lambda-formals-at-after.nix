({ a, ... }@args: args) { a = 1; b = 2; }

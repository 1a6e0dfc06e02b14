let x = throw "never"; y = 1; in y

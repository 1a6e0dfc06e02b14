{ a = [ 1 2 ]; b = throw "not evaluated"; }

let inner = [ 1 ]; in { a = inner; b = { c = inner; }; }

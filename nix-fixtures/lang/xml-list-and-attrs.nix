{ b = [ 1 "s" ]; a = { c = true; }; }

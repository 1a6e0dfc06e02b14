{ log = [ "a" ]; }

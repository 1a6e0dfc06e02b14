{ log = [ "c" ]; }

{ log = [ "d" ]; }

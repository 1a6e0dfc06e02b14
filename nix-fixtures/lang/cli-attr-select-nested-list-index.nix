{ a = [ { b = "found"; } ]; }

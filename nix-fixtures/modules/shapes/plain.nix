{ log = [ "file-set" ]; }

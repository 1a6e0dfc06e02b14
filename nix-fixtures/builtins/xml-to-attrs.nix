builtins.toXML { b = 1; a = { }; "c d" = [ ]; A = "x"; }

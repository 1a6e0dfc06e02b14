builtins.toJSON { a = 1; b = [ true false null ]; c = "x"; d = { }; e = [ ]; "f g" = -3; }

[ (1 + 1) 2 "s" (throw "unforced") ]

let a-b = 1; a = 10; b = 3; in [ a-b (a - b) ]

let n = 1; s = "str"; in [ n n s s ]

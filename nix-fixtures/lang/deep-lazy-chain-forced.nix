let f = n: if n == 0 then 0 else (f (n - 1)) + 1; in builtins.deepSeq (f 50000) "forced"

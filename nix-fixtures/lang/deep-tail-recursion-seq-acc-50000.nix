let go = n: acc: if n == 0 then acc else builtins.seq acc (go (n - 1) (acc + n)); in go 50000 0

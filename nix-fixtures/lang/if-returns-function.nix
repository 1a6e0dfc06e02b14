(if true then (x: x + 1) else (x: x)) 1

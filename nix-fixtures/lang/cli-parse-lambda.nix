[ ({ a, b ? 1, ... }@args: a) (x: with x; assert true; if x then y else z) ]

builtins.length (assert true; [ (throw "lazy") ])

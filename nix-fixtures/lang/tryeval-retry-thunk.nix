let x = throw "t"; a = builtins.tryEval x; b = builtins.tryEval x; in [ a b ]

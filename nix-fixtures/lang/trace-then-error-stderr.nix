builtins.tryEval (builtins.trace "traced" (assert false; 1))

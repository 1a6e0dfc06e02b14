builtins.tryEval (builtins.trace "before throw" (throw "t"))

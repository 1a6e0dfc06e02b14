builtins.tryEval (throw 1)

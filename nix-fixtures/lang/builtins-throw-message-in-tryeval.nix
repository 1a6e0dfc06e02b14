(builtins.tryEval (throw "msg")).success

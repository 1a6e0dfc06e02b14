(builtins.tryEval ({ }.a)).success

(builtins.tryEval (assert 1 > 2; "x")).success

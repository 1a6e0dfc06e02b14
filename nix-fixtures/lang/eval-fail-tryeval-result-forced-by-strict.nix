builtins.tryEval { a = throw "inside"; }

builtins.tryEval (builtins.deepSeq { a = [ { b = throw "deep"; } ]; } "ok")

builtins.tryEval (builtins.replaceStrings [ "x" ] [ (throw "forced") ] "abc")

builtins.deepSeq [ [ (throw "inner") ] ] 1

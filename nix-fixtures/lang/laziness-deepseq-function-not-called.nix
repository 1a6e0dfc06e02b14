builtins.deepSeq { f = x: throw "inside"; } "ok"

builtins.length (builtins.concatLists (builtins.genList (x: [ x x ]) 100000))

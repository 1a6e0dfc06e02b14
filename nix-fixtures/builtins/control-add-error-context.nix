[ (builtins.addErrorContext "while doing x" 1) (builtins.tryEval (builtins.addErrorContext "ctx" (throw "t"))).success ]

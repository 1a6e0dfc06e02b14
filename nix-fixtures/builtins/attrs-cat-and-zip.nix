[ (builtins.catAttrs "a" [ { a = 1; } { b = 2; } { a = 3; } ]) (builtins.zipAttrsWith (n: vs: vs) [ { a = 1; } { a = 2; b = 3; } ]) ]

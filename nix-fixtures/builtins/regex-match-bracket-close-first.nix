[ (builtins.match "[]a]+" "]a]") (builtins.match "[^]]*" "abc") (builtins.match "[^]]*" "a]c") ]

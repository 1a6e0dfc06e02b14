[ (builtins.bitAnd 12 10) (builtins.bitOr 12 10) (builtins.bitXor 12 10) (builtins.bitOr (-1) 0) (builtins.bitXor 9223372036854775807 (-1)) ]

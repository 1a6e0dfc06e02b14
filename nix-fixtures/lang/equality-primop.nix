[ (builtins.head == builtins.head) ([ builtins.head ] == [ builtins.head ]) ]

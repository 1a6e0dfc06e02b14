[ (builtins.unsafeGetAttrPos "a" { a = 1; }) (builtins.unsafeGetAttrPos "b" { a = 1; }) ]

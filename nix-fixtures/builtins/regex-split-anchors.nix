[ (builtins.split "^a" "aa") (builtins.split "a$" "aa") (builtins.split "^" "ab") (builtins.split "$" "ab") ]

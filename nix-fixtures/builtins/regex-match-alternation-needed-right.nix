builtins.match "(a|ab)(c|bcd)" "abcd"

builtins.match "(a|ab)(bc|c)?" "abc"

[ (builtins.match "a**" "aaa") (builtins.match "(a+?)" "aaa") (builtins.match "a{2}{2}" "aaaa") (builtins.match "a+*" "") ]

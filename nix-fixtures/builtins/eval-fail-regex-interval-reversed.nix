builtins.match "a{3,1}" "a"

[ (builtins.match "a}" "a}") (builtins.match "]" "]") (builtins.match "x]y" "x]y") ]

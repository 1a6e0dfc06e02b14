[ (builtins.match "[[.a.]]" "a") (builtins.match "[[=b=]]+" "bb") ]

[ (builtins.match "a||b" "") (builtins.match "(|a)" "a") (builtins.match "()" "") (builtins.match "(|a)b" "b") ]

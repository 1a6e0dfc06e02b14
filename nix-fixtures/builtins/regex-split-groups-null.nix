builtins.split "(a)(b)?" "cac"

if builtins ? y then "builtin" else "no outer y leaks in"

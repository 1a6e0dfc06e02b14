[ (builtins.match "[\\]" "\\") (builtins.match "[\\n]+" "n\\") ]

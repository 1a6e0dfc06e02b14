[ (builtins.match "." "é") (builtins.match ".." "é") (builtins.match "[é]" "é") (builtins.match "é" "é") (builtins.match "(.)(.)" "é") ]

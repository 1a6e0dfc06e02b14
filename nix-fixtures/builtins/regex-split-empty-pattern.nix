[ (builtins.split "" "abc") (builtins.split "" "") ]

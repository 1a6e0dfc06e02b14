[ (builtins.match "" "") (builtins.match "" "a") (builtins.match "(x)?" "") (builtins.match "a*" "") ]

builtins.listToAttrs (map (n: { name = "n${toString n}"; value = n; }) [ 3 1 2 ])

builtins.findFile [ { prefix = ""; path = ./helpers; } ] "data.txt"

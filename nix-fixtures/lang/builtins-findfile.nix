builtins.findFile [ { prefix = "h"; path = ./helpers; } ] "h/data.txt"

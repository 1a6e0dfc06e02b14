builtins.findFile [ { prefix = "x"; path = ./search-path; } { prefix = "x"; path = ./search-path2; } ] "x/sp-lib"

builtins.fetchTree { type = "git"; url = "/x"; }

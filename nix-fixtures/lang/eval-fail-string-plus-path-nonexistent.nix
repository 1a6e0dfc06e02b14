"x" + ./does-not-exist

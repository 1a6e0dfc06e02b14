let x = builtins.trace "evaluated" 5; in x + x

{ int = 1; float = 1.5; str = "s"; path = ./p; null = null; t = true; f = x: x; list = [ ]; set = { }; var = builtins.length; }

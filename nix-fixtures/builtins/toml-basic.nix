builtins.fromTOML "a = 1\nb = \"x\"\n[c]\nd = [1, 2.5, true]\n[[e]]\nf = 1\n[[e]]\nf = 2\n"

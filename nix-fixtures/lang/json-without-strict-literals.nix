{ a = 1; b = "s"; c = null; }

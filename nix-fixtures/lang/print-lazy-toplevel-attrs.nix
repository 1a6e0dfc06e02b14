{ a = 1 + 1; b = "lit"; c = throw "unforced"; }

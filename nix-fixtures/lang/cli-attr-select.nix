{ a.b = { c = 1; }; other = throw "not evaluated"; }

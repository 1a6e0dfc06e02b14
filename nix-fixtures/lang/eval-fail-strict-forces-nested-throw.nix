{ a.b.c = throw "deep in the value"; }

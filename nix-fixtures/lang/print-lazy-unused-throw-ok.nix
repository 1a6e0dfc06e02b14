{ ok = 1; bad = throw "never printed"; }

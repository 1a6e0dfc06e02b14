{ d = { outPath = "/some/out"; other = 1; }; }

let o = { outPath = "/some/where"; }; in "at ${o}"

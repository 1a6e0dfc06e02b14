let s = { x = 7; }; in with s; x * 6

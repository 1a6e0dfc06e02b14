let s = { a = true; }; in (!s.a) == false

{ a = { }; }.a.b.c or "default"

{ "a.b" = { c = "quoted key"; }; a = { b = { c = "wrong"; }; }; }

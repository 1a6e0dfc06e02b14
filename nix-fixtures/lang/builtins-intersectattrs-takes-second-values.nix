builtins.intersectAttrs { a = "first"; } { a = "second"; }

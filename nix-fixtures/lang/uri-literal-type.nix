builtins.typeOf https://example.com/path

({ a, ... }@all: builtins.attrNames all) { a = 1; z = 2; }

builtins.toJSON "q\"b\\n\nr\rt\t\u0001 é ${"$"}{x} /"

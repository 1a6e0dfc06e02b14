builtins.match "[a-[.z.]]" "a"

builtins.replaceStrings [ ] [ ] "abc"

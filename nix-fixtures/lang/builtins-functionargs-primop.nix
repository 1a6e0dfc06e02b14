builtins.functionArgs builtins.head

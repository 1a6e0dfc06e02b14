builtins.isFunction { __functor = self: x: x; }

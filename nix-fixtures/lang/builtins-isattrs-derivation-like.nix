builtins.isAttrs { type = "derivation"; }

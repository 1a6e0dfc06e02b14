let a = { type = "derivation"; outPath = "/x"; }; b = { type = "derivation"; outPath = "/y"; }; in a == b

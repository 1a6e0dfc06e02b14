(import ./lib.nix).mk { name = "nulls"; __ignoreNulls = true; gone = null; kept = "yes"; empty = ""; f = false; }

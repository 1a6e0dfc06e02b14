(import ./lib.nix).mk { name = "nulls-false"; __ignoreNulls = false; here = null; }

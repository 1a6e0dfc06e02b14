{ d = { type = "derivation"; outPath = "/x"; drvPath = "/x.drv"; }; }

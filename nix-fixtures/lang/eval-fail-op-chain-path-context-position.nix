# A path that a string with context is appended to fails at that level.
let drv = derivation { name = "x"; system = "x"; builder = "/x"; }; in
/a + "/b" + "${drv}" + "c"

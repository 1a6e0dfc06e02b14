false || "x"

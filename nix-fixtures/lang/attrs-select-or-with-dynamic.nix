let k = "missing"; in { a = 1; }.${k} or "dflt"

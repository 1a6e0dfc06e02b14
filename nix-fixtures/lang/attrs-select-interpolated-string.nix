let k = "b"; in { ab = 7; }."a${k}"

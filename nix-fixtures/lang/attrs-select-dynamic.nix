let k = "b"; in { a.b = 5; }.a.${k}

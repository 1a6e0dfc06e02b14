assert 1 == 1; "ok"

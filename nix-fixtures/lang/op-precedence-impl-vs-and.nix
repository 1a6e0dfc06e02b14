false && true -> false

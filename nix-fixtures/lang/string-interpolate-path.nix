"${./helpers/data.txt}"

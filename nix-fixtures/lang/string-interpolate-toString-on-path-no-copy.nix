"${toString ./helpers/data.txt}"

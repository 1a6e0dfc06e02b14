"prefix-" + ./helpers/data.txt

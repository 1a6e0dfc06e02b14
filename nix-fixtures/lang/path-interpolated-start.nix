let x = "helpers"; in ./${x}/data.txt

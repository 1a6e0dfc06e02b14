let a = "${./helpers/data.txt}"; b = "${./helpers/data.txt}"; in a == b

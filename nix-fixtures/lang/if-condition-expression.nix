if [ 1 ] == [ 1 ] && { a = 1; } ? a then "both" else "no"

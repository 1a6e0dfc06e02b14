if false then "yes" else "no"

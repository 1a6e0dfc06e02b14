''a\nb\t\\''

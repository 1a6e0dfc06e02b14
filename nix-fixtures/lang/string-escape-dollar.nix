"\${x} and \$ and $ alone and $$"

(or: or) 1

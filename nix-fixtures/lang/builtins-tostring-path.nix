toString ./x/y

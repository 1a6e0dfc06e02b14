let null = 1; in null

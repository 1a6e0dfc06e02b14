{ n }: { doubled = n * 2; }

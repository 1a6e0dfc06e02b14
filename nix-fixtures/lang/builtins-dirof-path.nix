[ (dirOf ./a/b) (dirOf /x) ]

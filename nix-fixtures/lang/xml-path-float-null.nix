[ ./a 1.5 null false ]

builtins.fromJSON " \n\t\r [ 1 , { \"a\" : 2 } ] \n"

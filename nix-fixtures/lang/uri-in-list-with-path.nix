[ https://a.b/c ./local ]

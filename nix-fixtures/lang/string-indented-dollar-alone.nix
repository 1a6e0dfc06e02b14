''cost $5 and $$ and $''

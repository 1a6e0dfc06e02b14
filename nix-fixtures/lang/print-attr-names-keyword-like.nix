{ "if" = 1; "let" = 2; "or" = 3; "true" = 4; "null" = 5; "inherit" = 6; }

{ "rec" = 1; "then" = 2; "else" = 3; "assert" = 4; "with" = 5; "in" = 6; "let" = 7; "if" = 8; "false" = 9; "__curPos" = 10; }

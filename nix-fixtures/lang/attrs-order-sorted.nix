{ zeta = 1; Alpha = 2; alpha = 3; _u = 4; a1 = 5; a10 = 6; a2 = 7; "" = 8; "1" = 9; }

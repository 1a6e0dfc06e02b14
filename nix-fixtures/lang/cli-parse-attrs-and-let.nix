y: let x = 1; inherit (y) z; in rec { a.b = x; ${x} = 2; "q r" = z; }.a.b or null

let k = "dyn"; in { "${k}amic" = 1; "plain" = 2; }

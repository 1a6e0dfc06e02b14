let a = "only"; in "${a}"

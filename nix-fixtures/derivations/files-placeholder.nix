[ (builtins.placeholder "out") (builtins.placeholder "dev") (placeholder "a-b") ]

[ (toString 1.0) (toString 0.1) (toString 1.5e10) (toString (-2.5)) (toString 1.0e-7) ]

[ (toString 1) (toString (-5)) (toString "s") (toString null) (toString true) (toString false) (toString [ ]) ]

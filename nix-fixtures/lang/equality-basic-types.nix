[ (1 == 1) (1 == 2) ("a" == "a") (null == null) (true == true) (true == false) (null == false) ]

[ (!true == false) (!(true == false)) ]

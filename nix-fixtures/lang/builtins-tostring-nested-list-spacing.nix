toString [ [ "a" [ "b" ] ] "c" ]

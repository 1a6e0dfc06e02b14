toString [ "a" "" "b" ]

[ (toString [ 1 "a" null true [ 2 3 ] ]) (toString [ [ ] [ ] ]) (toString [ null ]) ]

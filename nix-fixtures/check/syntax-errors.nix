# Every syntax error is reported, not only the first.
let
  a = ;
  b = [ 1 2 ;
in
a +

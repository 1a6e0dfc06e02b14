# A syntax error: where the parser stopped, and what it expected.
{
  a = 1;
  b = [ 1 2 ;
  c = 3;
}

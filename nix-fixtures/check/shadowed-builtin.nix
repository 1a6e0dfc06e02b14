let
  map = f: xs: builtins.map f xs;
  toString = x: "<${builtins.toString x}>";
  __sub = a: b: a + b;
in
{ builtins, ... }:
{
  a = map toString [ 1 ];
  b = 2 - 1;
  c = builtins;
  # Attributes of recursive sets are the set's interface: not reported.
  d = rec { map = 1; e = map; };
}

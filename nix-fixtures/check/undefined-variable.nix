let
  version = "1.0";
in
{
  name = "pkg-${versoin}";
  # Inside `with`, unknown names are looked up at run time: not an error.
  withOk = with { x = 1; }; x;
  list = mapp toString [ 1 2 ];
  inherit missing;
}

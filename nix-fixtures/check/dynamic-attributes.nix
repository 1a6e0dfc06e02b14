let
  name = "x";
  ${name} = 1;
in
{
  inherit ${name};
}

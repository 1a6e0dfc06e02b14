{
  # Paths into one set merge: no error.
  a.b = 1;
  a.c = 2;
  # Defining a name twice is an error.
  name = "one";
  name = "two";
  # So is defining it again by inherit.
  inherit (builtins) map;
  map = null;
}

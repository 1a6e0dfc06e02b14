let
  mkHost = { name, port }: "${name}:${toString port}";
in
mkHost { name = "a"; }

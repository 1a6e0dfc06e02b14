let
  port = "22";
in
port + 1

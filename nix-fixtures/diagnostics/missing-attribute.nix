let
  config = { hostName = "x"; };
in
config.hostname

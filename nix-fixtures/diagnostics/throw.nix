# `throw` from a function the user called: the message, the throw and the call.
let
  check = port: if port < 1024 then throw "port ${toString port} is privileged" else port;
in
{
  web = check 8080;
  ssh = check 22;
}

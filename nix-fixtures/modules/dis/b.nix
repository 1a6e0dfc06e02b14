{ imports = [ ./c.nix ]; log = [ "b" ]; }

let
  inherit (import ./lib.nix) mk;
  dep = mk { name = "sdep"; outputs = [ "out" "dev" ]; };
in
mk { name = "structured-dep"; __structuredAttrs = true; inherit dep; devPath = dep.dev; deps = [ dep ]; }

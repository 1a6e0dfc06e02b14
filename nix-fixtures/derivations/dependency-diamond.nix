let
  inherit (import ./lib.nix) mk;
  base = mk { name = "base"; outputs = [ "out" "dev" ]; };
  left = mk { name = "left"; dep = base; };
  right = mk { name = "right"; dep = base.dev; };
in
mk { name = "top"; deps = [ left right ]; both = "${left} ${right}/bin"; }

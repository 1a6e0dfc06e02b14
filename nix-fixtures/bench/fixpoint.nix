# A small module-system-like fixpoint without a library: 2,000 options refined by 20
# overlays (`self`/`super`, `//`, `mapAttrs`), each option's value reading other options of
# the final result, as a configuration feeds itself.
let
  fix = f: let x = f x; in x;
  extends = overlay: base: self: let super = base self; in super // overlay self super;
  n = 2000;
  names = builtins.genList (i: "opt${toString i}") n;
  base = self: builtins.listToAttrs (builtins.genList (i: {
    name = builtins.elemAt names i;
    value = { index = i; enable = i == 0 || self.${builtins.elemAt names (i / 2)}.enable; deps = [ ]; };
  }) n);
  overlay = k: self: super: builtins.mapAttrs (name: v: v // {
    level = k;
    deps = v.deps ++ [ k ];
    weight = if v.enable then builtins.length v.deps + k else 0;
  }) super;
  final = fix (builtins.foldl' (acc: k: extends (overlay k) acc) base (builtins.genList (k: k) 20));
in
builtins.foldl' (sum: name: sum + final.${name}.weight + builtins.length final.${name}.deps) 0 names

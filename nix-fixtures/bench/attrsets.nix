# Big attribute sets: building, updating and looking up 200,000 names.
let
  names = builtins.genList (i: "attr${toString i}") 200000;
  set = builtins.listToAttrs (map (n: { name = n; value = builtins.stringLength n; }) names);
  merged = set // { extra = 1; };
in builtins.foldl' (acc: n: acc + merged.${n}) 0 names

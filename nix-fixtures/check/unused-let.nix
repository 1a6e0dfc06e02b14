let
  used = 1;
  unused = 2;
  # Calling itself is not a use.
  loop = n: if n == 0 then 0 else loop (n - 1);
  # `_`-prefixed names are exempt.
  _kept = 3;
  inherit (builtins) length head;
in
used + length [ ]

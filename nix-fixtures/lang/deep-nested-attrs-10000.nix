let
  build = n: if n == 0 then { leaf = true; } else { next = build (n - 1); };
  walk = s: depth: if s ? next then walk s.next (depth + 1) else depth;
in walk (build 10000) 0

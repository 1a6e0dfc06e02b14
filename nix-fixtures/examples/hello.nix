# A small example: a recursive set, a function with defaults and string interpolation.
let
  greet = { name, greeting ? "Hello" }: "${greeting}, ${name}!";
in
rec {
  message = greet { name = "ntop"; };
  squares = map (n: n * n) (builtins.genList (n: n + 1) 5);
  total = builtins.foldl' (a: b: a + b) 0 squares;
}

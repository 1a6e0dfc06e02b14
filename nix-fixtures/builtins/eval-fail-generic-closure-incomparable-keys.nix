# builtins.genericClosure: keys of types `<` cannot compare are an error, not told apart.
builtins.genericClosure {
  startSet = [ { key = 1; } { key = [ 1 ]; } ];
  operator = _: [ ];
}

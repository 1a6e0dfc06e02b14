# builtins.genericClosure: attribute sets cannot be keys (they have no order).
builtins.genericClosure {
  startSet = [ { key = { }; } { key = { }; } ];
  operator = _: [ ];
}

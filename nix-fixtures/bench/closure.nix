# genericClosure over 50,000 keys reached one by one (the shape of a dependency closure).
builtins.length (builtins.genericClosure {
  startSet = [ { key = 0; } ];
  operator = item: if item.key < 50000 then [ { key = item.key + 1; } { key = item.key / 2; } ] else [ ];
})

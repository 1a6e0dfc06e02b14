# builtins.genericClosure: keys are told apart by Nix's value order, so 1 and 1.0 are the same
# key, and lists compare element by element; the result keeps the order items were reached.
let
  step = item: if item.key < 20 then [ { key = item.key * 2; } { key = item.key * 2 + 1.0; } ] else [ ];
in
{
  numbers = map (i: i.key) (builtins.genericClosure { startSet = [ { key = 1; } ]; operator = step; });
  mixed = builtins.genericClosure {
    startSet = [ { key = 1; } { key = 1.0; } { key = 2; } ];
    operator = _: [ ];
  };
  lists = builtins.genericClosure {
    startSet = [ { key = [ 1 2 ]; } { key = [ 1 ]; } { key = [ 1 2 ]; } { key = [ ]; } ];
    operator = _: [ ];
  };
  strings = map (i: i.key) (builtins.genericClosure {
    startSet = [ { key = "b"; } { key = "a"; } ];
    operator = i: if builtins.stringLength i.key < 3 then [ { key = i.key + "a"; } { key = "a" + i.key; } ] else [ ];
  });
}

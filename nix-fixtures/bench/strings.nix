# String building: interpolation and concatenation of many pieces.
let
  pieces = builtins.genList (i: "line ${toString i}: ${if i / 2 * 2 == i then "even" else "odd"}\n") 100000;
in builtins.stringLength (builtins.concatStringsSep "" pieces)

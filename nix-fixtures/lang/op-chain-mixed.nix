# A left-nested chain of `+`, `-`, `*`, `/`, `&&`, `||` is folded in one loop (no recursion per
# operator); what it computes must not change: types decided by each level's first operand,
# strings with context, floats, and short-circuiting that skips later operands.
let
  drv = derivation { name = "x"; system = "x"; builder = "/x"; };
  s = "a" + "b" + toString 1.5 + "c";
in {
  ints = 1 + 2 - 3 * 4 + 10 / 3 - 1;
  floats = 1 + 2.5 + 3 - 0.5 * 2;
  intThenString = [ (1 + 2) ("x" + "y" + "z") ];
  strings = "a" + "b" + "c" + toString 4 + "d";
  withContext = builtins.getContext ("a" + "${drv}" + "b" + "c");
  contextLength = builtins.stringLength ("p" + drv + "q");
  stringOfFloat = builtins.typeOf s;
  shortAnd = false && throw "never" && throw "never";
  shortOr = true || throw "never" || throw "never";
  mixed = 1 < 2 && true || throw "never";
  andChain = true && true && true && false && throw "never";
  orChain = false || false || false || true || throw "never";
  subChain = 100 - 1 - 2 - 3 - 4;
  divChain = 1000 / 10 / 5 / 2;
  mulChain = 2 * 3 * 4 * 5;
}

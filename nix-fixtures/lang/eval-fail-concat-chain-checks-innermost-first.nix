# `a ++ b ++ c` nests to the right: the operands are evaluated left to right, and their types
# are checked innermost pair first, so the error is about `3` (the last operand) even though
# `1` comes first. ntop evaluates such a chain in one loop; this keeps Nix's order.
1 ++ [ 2 ] ++ 3

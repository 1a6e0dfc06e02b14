# The type error of a chain's third `+` points at its operand.
1 + 2 +
  3 + "x" + 5

# `&&` in a chain checks each operand at its own operator.
true && true &&
  1 && true

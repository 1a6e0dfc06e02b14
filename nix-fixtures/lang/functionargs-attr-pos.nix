# functionArgs' attributes are positioned at their formals.
let args = builtins.functionArgs ({ x ? 1,
  y }: x);
in [ (builtins.unsafeGetAttrPos "x" args) (builtins.unsafeGetAttrPos "y" args) ]

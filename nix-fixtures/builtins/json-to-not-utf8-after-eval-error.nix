# The non-UTF-8 string comes first, the throw after it: Nix builds the whole JSON document
# before writing it, so the throw wins.
builtins.tryEval (builtins.toJSON [ (builtins.substring 0 1 "é") (throw "later") ])

# `derivation`, ntop's counterpart of Nix 2.8's corepkgs/derivation.nix: a function over the
# `derivationStrict` primop, so that it is lazy in the same places and prints as a lambda.
#
# The result is the set for the first output. Every output's set holds the given attributes,
# one attribute per output (that output's set), `all` (the outputs' sets, in order),
# `drvAttrs` (the argument), and its own `outPath`, `drvPath`, `outputName` and
# `type = "derivation"`. Only forcing `outPath` or `drvPath` instantiates the derivation.
drvAttrs@{ outputs ? [ "out" ], ... }:
let
  strict = derivationStrict drvAttrs;
  outputSet = outputName: {
    name = outputName;
    value = shared // {
      outPath = builtins.getAttr outputName strict;
      drvPath = strict.drvPath;
      type = "derivation";
      inherit outputName;
    };
  };
  byOutput = map outputSet outputs;
  shared = drvAttrs // builtins.listToAttrs byOutput // {
    all = map (o: o.value) byOutput;
    inherit drvAttrs;
  };
in
(builtins.head byOutput).value

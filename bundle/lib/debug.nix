# Tracing helpers: each prints something with builtins.trace and returns a value.
{ lib }:
let
  b = builtins;
in
rec {
  inherit (b) trace addErrorContext unsafeGetAttrPos;

  traceIf = cond: msg: x: if cond then b.trace msg x else x;

  traceValFn = f: x: b.trace (f x) x;
  traceVal = traceValFn (x: x);

  traceSeq = x: y: b.trace (b.deepSeq x x) y;

  # Trace `x` forced (and shown) to at most `depth` levels.
  traceSeqN =
    depth: x: y:
    let
      cut =
        d: v:
        if d <= 0 then
          (if b.isAttrs v then "{…}" else if b.isList v then "[…]" else if b.isFunction v then "<function>" else v)
        else if b.isAttrs v then
          b.mapAttrs (_: cut (d - 1)) v
        else if b.isList v then
          map (cut (d - 1)) v
        else
          v;
      shown = cut depth x;
    in
    b.trace (b.deepSeq shown shown) y;

  traceValSeqFn = f: v: traceValFn f (b.deepSeq v v);
  traceValSeq = traceValSeqFn (x: x);
  traceValSeqNFn = f: depth: v: traceSeqN depth (f v) v;
  traceValSeqN = traceValSeqNFn (x: x);

  # Wrap a function of one argument so that calls and results are traced.
  traceFnSeqN =
    depth: name: f: arg:
    let
      res = f arg;
    in
    traceSeqN (depth + 1) {
      fn = name;
      from = arg;
      to = res;
    } res;

  # Evaluate a set of { expr, expected } tests; the failing ones, as a list.
  runTests =
    tests:
    lib.lists.concatMap (
      name:
      let
        t = tests.${name};
      in
      if lib.strings.hasPrefix "test" name && t.expr != t.expected then
        [ { inherit name; inherit (t) expected; result = t.expr; } ]
      else
        [ ]
    ) (b.attrNames tests);

  testAllTrue = expr: {
    inherit expr;
    expected = map (_: true) expr;
  };
}

# Small combinators, arithmetic and comparison helpers, warnings, and the version of this lib.
{ lib }:
let
  b = builtins;
  esc = b.fromJSON ''"\u001b"'';
in
rec {
  # --- functions -------------------------------------------------------------------------

  id = x: x;
  const = x: _: x;
  flip = f: a: b': f b' a;

  # Feed `x` through each function of `fs`, left to right.
  pipe = x: fs: b.foldl' (acc: f: f acc) x fs;

  concat = xs: ys: xs ++ ys;

  "or" = x: y: x || y;
  and = x: y: x && y;
  xor = x: y: (!x) != (!y);
  bitAnd = b.bitAnd;
  bitOr = b.bitOr;
  bitXor = b.bitXor;
  bitNot = b.sub (-1);

  boolToString = v: if v then "true" else "false";
  boolToYesNo = v: if v then "yes" else "no";

  mergeAttrs = x: y: x // y;

  defaultTo = fallback: v: if v == null then fallback else v;
  mapNullable = f: v: if v == null then null else f v;

  # --- strictness ------------------------------------------------------------------------

  seq = b.seq;
  deepSeq = b.deepSeq;

  # --- numbers ---------------------------------------------------------------------------

  add = a: c: a + c;
  sub = a: c: a - c;
  mul = a: c: a * c;
  div = a: c: a / c;
  lessThan = a: c: a < c;
  min = a: c: if a < c then a else c;
  max = a: c: if a > c then a else c;
  # The remainder of integer division, with the sign of the dividend (as C's %).
  mod = n: d: n - d * (n / d);

  # -1, 0 or 1 as a is smaller than, equal to or greater than c.
  compare =
    a: c:
    if a < c then
      -1
    else if a > c then
      1
    else
      0;

  # Values satisfying `p` sort before the others; each group uses its own comparison.
  splitByAndCompare =
    p: inside: outside: a: c:
    let
      pa = p a;
      pc = p c;
    in
    if pa && pc then
      inside a c
    else if pa then
      -1
    else if pc then
      1
    else
      outside a c;

  isFloat = b.isFloat;
  isBool = b.isBool;
  isInt = b.isInt;
  ceil = b.ceil;
  floor = b.floor;

  toHexString =
    n:
    b.concatStringsSep "" (
      map (d: b.substring d 1 "0123456789ABCDEF") (toBaseDigits 16 n)
    );
  toBaseDigits =
    base: n:
    assert base >= 2;
    let
      go = acc: v: if v < base then [ v ] ++ acc else go ([ (mod v base) ] ++ acc) (v / base);
    in
    go [ ] n;

  # --- functions with argument metadata --------------------------------------------------

  isFunction = f: b.isFunction f || (f ? __functor && isFunction (f.__functor f));

  # Like builtins.functionArgs, but also for functors carrying `__functionArgs`.
  functionArgs =
    f:
    if f ? __functor then
      f.__functionArgs or (functionArgs (f.__functor f))
    else
      b.functionArgs f;

  # Make a functor that behaves as `f` and reports `args` as its formal arguments.
  setFunctionArgs = f: args: {
    __functor = _: f;
    __functionArgs = args;
  };

  # Give `g` the formal arguments of `f`.
  mirrorFunctionArgs =
    f:
    let
      formals = functionArgs f;
    in
    g: setFunctionArgs g formals;

  toFunction = v: if isFunction v then v else _: v;

  # --- files -----------------------------------------------------------------------------

  importJSON = path: b.fromJSON (b.readFile path);
  importTOML = path: b.fromTOML (b.readFile path);
  pathExists = b.pathExists;
  readFile = b.readFile;
  genericClosure = b.genericClosure;

  # --- warnings and errors ---------------------------------------------------------------

  warn =
    b.warn or (
      msg: v:
      assert b.isString msg;
      if b.elem (b.getEnv "NIX_ABORT_ON_WARN") [ "1" "true" "yes" ] then
        b.trace "${esc}[1;31mevaluation warning:${esc}[0m ${msg}" (
          abort "NIX_ABORT_ON_WARN=true; warnings are treated as unrecoverable errors."
        )
      else
        b.trace "${esc}[1;35mevaluation warning:${esc}[0m ${msg}" v
    );
  warnIf = cond: msg: if cond then warn msg else id;
  warnIfNot = cond: msg: if cond then id else warn msg;
  throwIf = cond: msg: if cond then throw msg else id;
  throwIfNot = cond: msg: if cond then id else throw msg;
  info = msg: b.trace "INFO: ${msg}";
  showWarnings = warnings: res: lib.lists.foldr warn res warnings;

  checkListOfEnum =
    what: allowed: given:
    let
      bad = lib.lists.subtractLists allowed given;
    in
    throwIfNot (bad == [ ])
      "${what}: ${b.concatStringsSep ", " (map toString bad)} unexpected; valid ones: ${b.concatStringsSep ", " (map toString allowed)}";

  # --- environment -----------------------------------------------------------------------

  # Never inside nix-shell: this lib is evaluated by ntop and the reference Nix alike.
  inNixShell = false;
  inPureEvalMode = !(b ? currentSystem);

  # --- version ---------------------------------------------------------------------------

  release = "ntop-mini";
  codeName = "ntop";
  versionSuffix = "";
  version = release + versionSuffix;
  nixpkgsVersion = version;
  revisionWithDefault = default: default;
  oldestSupportedRelease = 2305;
  isInOldestRelease = _: true;
  oldestSupportedReleaseIsAtLeast = _: true;
}

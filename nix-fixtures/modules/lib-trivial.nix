# Small functions of lib, fixed points and customisation, against nixpkgs' lib.
let
  lib = import <nixpkgs/lib>;
  f = { a, b ? 2 }: a + b;
  fixed = lib.fix (self: { a = 1; b = self.a + 1; });
  ext = lib.makeExtensible (self: { a = 1; b = self.a + 10; });
  extended = ext.extend (final: prev: { a = prev.a + 1; c = final.b; });
  composed = lib.composeManyExtensions [ (final: prev: { x = prev.x + 1; }) (final: prev: { x = prev.x * 10; y = final.x; }) ];
  over = lib.makeOverridable ({ a, b ? 1 }: { sum = a + b; }) { a = 1; };
  callWith = lib.callPackageWith { a = 10; b = 20; c = 30; };
  called = callWith ({ a, b, d ? 4 }: { inherit a b d; }) { b = 0; };
in
with lib;
{
  id = id 1;
  const = const 1 2;
  flip = flip (a: b: a - b) 1 10;
  pipe = pipe 2 [ (x: x + 1) (x: x * 10) ];
  concat = concat [ 1 ] [ 2 ];
  boolOps = [ (lib.or true false) (and true false) (xor true false) (boolToString true) ];
  mergeAttrs = mergeAttrs { a = 1; } { a = 2; b = 3; };
  minMax = [ (min 1 2) (max 1 2) (mod 7 3) (mod (-7) 3) ];
  compare = [ (compare 1 2) (compare "b" "a") (compare 1 1) ];
  splitByAndCompare = sort (a: b: splitByAndCompare (hasPrefix "x") compare compare a b < 0) [ "b" "xb" "a" "xa" ];
  functionArgs = [ (functionArgs f) (functionArgs (setFunctionArgs (x: x) { q = true; })) (functionArgs (mirrorFunctionArgs f (args: args))) ];
  isFunction = [ (isFunction f) (isFunction { __functor = self: x: x; }) (isFunction 1) ];
  toFunction = [ (toFunction 1 0) (toFunction (x: x + 1) 1) ];
  importJSON = importJSON ./lib-data/data.json;
  inNixShell = inNixShell;
  seq = seq 1 2;
  deepSeq = deepSeq [ 1 ] 2;
  defaultTo = [ (defaultTo 1 null) (defaultTo 1 2) ];
  mapNullable = [ (mapNullable (x: x + 1) null) (mapNullable (x: x + 1) 1) ];
  fix = fixed;
  fix' = removeAttrs (fix' (self: { a = 1; })) [ "__unfix__" ];
  converge = converge (x: if x > 10 then x else x * 2) 1;
  extends = fix (extends (final: prev: { b = prev.a * 100; }) (self: { a = 1; b = 2; c = self.b; }));
  extensible = { inherit (ext) a b; };
  extended = { inherit (extended) a b c; };
  composed = fix (extends composed (self: { x = 1; }));
  overridden = [ over.sum (over.override { b = 5; }).sum (over.override (old: { a = old.a * 100; })).sum ];
  called = removeAttrs called [ "override" "overrideDerivation" ];
  callOverridden = (called.override { d = 0; }).d;
  throwIfNot = (builtins.tryEval (throwIfNot false "m" 1)).success;
  throwIf = throwIf false "m" 1;
  toHexString = toHexString 255;
  toBaseDigits = toBaseDigits 2 10;
  versions = [ (versions.major "1.2.3") (versions.minor "1.2.3") (versions.patch "1.2.3") (versions.majorMinor "1.2.3") ];
  assertMsg = lib.assertMsg true "unused";
  pretty = generators.toPretty { } { a = [ 1 "two" null true 1.5 ]; b.c = x: x; d = { x, y ? 1 }: x; e = "multi\nline"; "not id" = { }; };
  prettyOneLine = generators.toPretty { multiline = false; } { a = [ 1 2 ]; b = "s"; };
  keyValue = generators.toKeyValue { } { a = 1; b = "two"; c = true; };
  ini = generators.toINI { } { sec = { k = "v"; n = 2; }; other = { }; };
}

# The attribute-set functions of lib, against nixpkgs' lib.
let
  lib = import <nixpkgs/lib>;
  set = { a = { b = { c = 1; }; x = 2; }; d = 3; };
  pkg = { type = "derivation"; name = "p"; outPath = "/out"; out = { outPath = "/out"; }; dev = { outPath = "/dev"; }; outputs = [ "out" "dev" ]; };
in
with lib;
{
  attrByPath = [ (attrByPath [ "a" "b" "c" ] 0 set) (attrByPath [ "a" "z" ] "dflt" set) (attrByPath [ ] 0 { q = 1; }) ];
  hasAttrByPath = [ (hasAttrByPath [ "a" "b" ] set) (hasAttrByPath [ "a" "q" ] set) (hasAttrByPath [ ] set) ];
  setAttrByPath = setAttrByPath [ "x" "y" ] 1;
  getAttrFromPath = getAttrFromPath [ "a" "x" ] set;
  attrVals = attrVals [ "d" "a" ] { a = 1; d = 2; };
  attrValues = attrValues { b = 2; a = 1; };
  getAttrs = getAttrs [ "a" ] { a = 1; b = 2; };
  catAttrs = catAttrs "a" [ { a = 1; } { b = 0; } { a = 2; } ];
  filterAttrs = filterAttrs (n: v: v > 1) { a = 1; b = 2; c = 3; };
  filterAttrsRecursive = filterAttrsRecursive (n: v: v != null) { a = null; b = { c = null; d = 1; }; };
  foldAttrs = foldAttrs (x: acc: [ x ] ++ acc) [ ] [ { a = 1; b = 2; } { a = 3; } ];
  foldlAttrs = foldlAttrs (acc: n: v: acc ++ [ n v ]) [ ] { b = 2; a = 1; };
  collect = collect isInt { a = 1; b = { c = 2; d = "x"; }; };
  collectSets = collect (x: x ? c) { a = { c = 1; }; b = { d = { c = 2; }; }; };
  nameValuePair = nameValuePair "n" "v";
  mapAttrs' = mapAttrs' (n: v: nameValuePair "x${n}" (v + 1)) { a = 1; };
  mapAttrsToList = mapAttrsToList (n: v: "${n}=${toString v}") { b = 2; a = 1; };
  attrsToList = attrsToList { a = 1; };
  mapAttrsRecursive = mapAttrsRecursive (path: v: concatStringsSep "." path) { a = { b = 1; }; c = 2; };
  mapAttrsRecursiveCond = mapAttrsRecursiveCond (s: !(s ? stop)) (path: v: path) { a = { stop = 1; }; b = { c = 1; }; };
  genAttrs = genAttrs [ "x" "y" ] (n: "v${n}");
  isDerivation = [ (isDerivation pkg) (isDerivation { }) ];
  optionalAttrs = [ (optionalAttrs true { a = 1; }) (optionalAttrs false { a = 1; }) ];
  zipAttrsWithNames = zipAttrsWithNames [ "a" ] (n: vs: vs) [ { a = 1; } { a = 2; b = 3; } ];
  zipAttrsWith = zipAttrsWith (n: vs: vs) [ { a = 1; } { a = 2; b = 3; } ];
  zipAttrs = zipAttrs [ { a = 1; } { a = 2; } ];
  recursiveUpdate = recursiveUpdate { a = { b = 1; c = 2; }; d = 1; } { a = { b = 3; }; d = { e = 1; }; };
  recursiveUpdateUntil = recursiveUpdateUntil (path: l: r: path == [ "a" ]) { a = { b = 1; c = 2; }; x.y = 1; } { a = { b = 3; }; x.z = 2; };
  matchAttrs = [ (matchAttrs { a.b = 1; } { a = { b = 1; c = 2; }; d = 3; }) (matchAttrs { a = 2; } { a = 1; }) ];
  overrideExisting = overrideExisting { a = 1; b = 2; } { a = 3; c = 4; };
  showAttrPath = [ (showAttrPath [ "a" "b c" ]) (showAttrPath [ ]) ];
  getOutput = (getOutput "dev" pkg).outPath;
  getBin = (getBin pkg).outPath;
  getDev = (getDev pkg).outPath;
  getMan = (getMan pkg).outPath;
  recurseIntoAttrs = recurseIntoAttrs { a = 1; };
  dontRecurseIntoAttrs = dontRecurseIntoAttrs { a = 1; };
  cartesianProduct = cartesianProduct { a = [ 1 2 ]; b = [ "x" "y" ]; };
  updateManyAttrsByPath = updateManyAttrsByPath [
    { path = [ "a" "b" ]; update = old: old + 1; }
    { path = [ "a" ]; update = old: old // { n = 1; }; }
    { path = [ "new" "x" ]; update = _: "made"; }
    { path = [ "a" "b" ]; update = old: old * 10; }
  ] { a = { b = 1; }; };
  concatMapAttrs = concatMapAttrs (n: v: { "${n}1" = v; "${n}2" = v; }) { a = 1; };
  mergeAttrsList = mergeAttrsList [ { a = 1; } { b = 2; } { a = 3; } ];
  listToAttrs = listToAttrs [ (nameValuePair "a" 1) ];
  mapCartesianProduct = mapCartesianProduct ({ a, b }: "${toString a}${b}") { a = [ 1 ]; b = [ "x" "y" ]; };
}

# How each type merges several definitions.
let
  lib = import <nixpkgs/lib>;
  t = lib.types;
  merge = type: values:
    (lib.evalModules {
      modules = [ { options.v = lib.mkOption { inherit type; }; } ]
        ++ map (value: { v = value; }) values;
    }).config.v;
in
{
  bool = merge t.bool [ true true ];
  int = merge t.int [ 3 3 ];
  str = merge t.str [ "same" "same" ];
  lines = merge t.lines [ "a" "b" "c" ];
  commas = merge t.commas [ "a" "b" ];
  envVar = merge t.envVar [ "/a" "/b" ];
  sep = merge (t.separatedString "+") [ "1" "2" ];
  singleLine = merge t.singleLineStr [ "one\n" ];
  listOf = merge (t.listOf t.int) [ [ 1 2 ] [ 3 ] ];
  listOfList = merge (t.listOf (t.listOf t.int)) [ [ [ 1 ] ] [ [ 2 3 ] ] ];
  nonEmpty = merge (t.nonEmptyListOf t.str) [ [ "x" ] [ "y" ] ];
  attrsOf = merge (t.attrsOf t.int) [ { a = 1; } { b = 2; } { a = 1; } ];
  attrsOfList = merge (t.attrsOf (t.listOf t.int)) [ { a = [ 1 ]; } { a = [ 2 ]; b = [ ]; } ];
  attrsOfIf = merge (t.attrsOf t.int) [ { a = lib.mkIf false 1; b = lib.mkIf true 2; } ];
  lazyAttrsOf = merge (t.lazyAttrsOf t.int) [ { a = 1; } { b = 2; } ];
  nullOrNull = merge (t.nullOr t.int) [ null null ];
  nullOrValue = merge (t.nullOr t.int) [ 4 4 ];
  eitherLeft = merge (t.either t.int t.str) [ 1 1 ];
  eitherRight = merge (t.either (t.listOf t.int) t.str) [ "a" "a" ];
  eitherLists = merge (t.either (t.listOf t.int) t.str) [ [ 1 ] [ 2 ] ];
  oneOf = merge (t.oneOf [ t.int t.lines ]) [ "x" "y" ];
  uniq = merge (t.uniq (t.listOf t.int)) [ [ 1 2 ] ];
  attrs = merge t.attrs [ { a = 1; b = { x = 1; }; } { b = { y = 2; }; } ];
  anything = merge t.anything [ { a = 1; l = [ 1 ]; } { b.c = true; l = [ 1 ]; } { b.d = "s"; } ];
  anythingScalar = merge t.anything [ 5 5 ];
  anythingFn = (merge t.anything [ (x: { a = x; }) (x: { b = x + 1; }) ]) 1;
  functionTo = (merge (t.functionTo (t.listOf t.int)) [ (x: [ x ]) (x: [ (x * 2) ]) ]) 5;
  functionToAttrs = (merge (t.functionTo (t.attrsOf t.int)) [ (x: { a = x; }) (x: { b = x; }) ]) 3;
  coerced = merge (t.coercedTo t.int (n: "n${toString n}") t.str) [ 7 ];
  coercedList = merge (t.coercedTo t.str lib.singleton (t.listOf t.str)) [ "a" [ "b" ] ];
  enum = merge (t.enum [ "a" "b" ]) [ "b" "b" ];
  port = merge t.port [ 8080 ];
  float = merge t.float [ 1.5 1.5 ];
  number = merge t.number [ 2 2 ];
  path = merge t.path [ "/etc/x" "/etc/x" ];
  pathValue = toString (merge t.path [ /etc/y ]);
  optionType = (merge t.optionType [ t.int ]).name;
  optionTypes = (merge t.optionType [ (t.listOf t.int) (t.listOf t.int) ]).description;
}

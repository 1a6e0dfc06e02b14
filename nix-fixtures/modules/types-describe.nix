# Names and descriptions, as messages and documentation show them.
let
  lib = import <nixpkgs/lib>;
  t = lib.types;
  show = ty: { inherit (ty) name description; };
in
lib.mapAttrs (_: show) {
  inherit (t) bool int float number str nonEmptyStr singleLineStr lines commas envVar path package attrs unspecified raw anything port optionType deferredModule;
  between = t.ints.between 0 10;
  unsigned = t.ints.unsigned;
  positive = t.ints.positive;
  u8 = t.ints.u8;
  u16 = t.ints.u16;
  u32 = t.ints.u32;
  s8 = t.ints.s8;
  s16 = t.ints.s16;
  s32 = t.ints.s32;
  numBetween = t.numbers.between 0 1.5;
  nonneg = t.numbers.nonnegative;
  matching = t.strMatching "[a-z]+";
  sep = t.separatedString " ";
  enum = t.enum [ "a" 1 true ];
  enum1 = t.enum [ "only" ];
  enum0 = t.enum [ ];
  listOf = t.listOf t.int;
  listOfList = t.listOf (t.listOf t.str);
  listOfEither = t.listOf (t.either t.int t.str);
  nonEmptyListOf = t.nonEmptyListOf t.str;
  attrsOf = t.attrsOf t.bool;
  lazyAttrsOf = t.lazyAttrsOf t.int;
  attrsOfSub = t.attrsOf (t.submodule { });
  nullOr = t.nullOr t.str;
  nullOrEither = t.nullOr (t.either t.int t.str);
  either = t.either t.int t.str;
  eitherNested = t.either (t.either t.int t.str) t.bool;
  eitherClause = t.either t.ints.unsigned t.str;
  oneOf = t.oneOf [ t.int t.str t.bool ];
  uniq = t.uniq t.int;
  unique = t.unique { message = "m"; } (t.listOf t.int);
  functionTo = t.functionTo (t.listOf t.str);
  submodule = t.submodule { };
  freeform = t.submodule { freeformType = t.attrsOf t.str; };
  coercedTo = t.coercedTo t.int toString t.str;
  passwd = t.passwdEntry t.str;
}

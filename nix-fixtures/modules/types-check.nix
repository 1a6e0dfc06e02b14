# Every type's check against a spread of values.
let
  lib = import <nixpkgs/lib>;
  t = lib.types;
  drv = derivation { name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; };
  samples = {
    true = true;
    zero = 0;
    neg = -3;
    big = 70000;
    float = 1.5;
    empty = "";
    blank = " \n";
    word = "word";
    twoLines = "a\nb";
    lineNl = "a\n";
    absPath = /tmp/x;
    absStr = "/tmp/x";
    relStr = "tmp/x";
    list = [ 1 ];
    emptyList = [ ];
    set = { a = 1; };
    fn = x: x;
    null = null;
    drv = drv;
    storeStr = "${builtins.storeDir}/0123456789abcdfghijklmnpqrsvwxyz-x";
  };
  types = {
    inherit (t) bool int float number str nonEmptyStr singleLineStr lines commas envVar path package attrs unspecified raw anything port;
    between = t.ints.between 0 10;
    unsigned = t.ints.unsigned;
    positive = t.ints.positive;
    u8 = t.ints.u8;
    u16 = t.ints.u16;
    s8 = t.ints.s8;
    s32 = t.ints.s32;
    nonneg = t.numbers.nonnegative;
    matching = t.strMatching "w.*";
    enum = t.enum [ "word" 0 true ];
    listOfInt = t.listOf t.int;
    nonEmptyList = t.nonEmptyListOf t.int;
    attrsOfInt = t.attrsOf t.int;
    nullOrStr = t.nullOr t.str;
    either = t.either t.int t.str;
    oneOf = t.oneOf [ t.bool t.float (t.listOf t.int) ];
    uniqInt = t.uniq t.int;
    fnToInt = t.functionTo t.int;
    submodule = t.submodule { };
    deferred = t.deferredModule;
    coerced = t.coercedTo t.int toString t.str;
    optionType = t.optionType;
  };
in
lib.mapAttrs (_: ty: lib.filter (n: ty.check samples.${n}) (lib.attrNames samples)) types

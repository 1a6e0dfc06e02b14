# Option types. A type is a set made by `mkOptionType`:
#
#   name, description, descriptionClass   how it is named in messages and documentation
#   check value -> bool                   whether one definition is acceptable
#   merge loc defs -> value               combine the (checked) definitions { file, value }
#   emptyValue                            { value = …; } when having no definition is fine
#   getSubOptions prefix                  options inside (submodules), for documentation
#   getSubModules / substSubModules       the modules of a submodule type, and a copy with others
#   functor / typeMerge                   how two declarations of one option combine their types
#   nestedTypes                           the types this one is built from
{ lib }:
let
  b = builtins;
  inherit (lib.options)
    mergeDefaultOption
    mergeEqualOption
    mergeOneOption
    mergeUniqueOption
    getValues
    getFiles
    showOption
    showFiles
    showDefs
    ;
  inherit (lib.strings) concatMapStringsSep escapeNixString isStringLike;
  inherit (lib.lists) last;

  # The functor of a type built from one element type.
  elemFunctor =
    name: payload: rebuild:
    {
      inherit name payload;
      type = rebuild;
      binOp =
        x: y:
        let
          merged = x.elemType.typeMerge y.elemType.functor;
        in
        if merged == null then null else { elemType = merged; };
    };
in
rec {
  isType = tag: v: (v._type or "") == tag;
  setType = tag: v: v // { _type = tag; };

  isOptionType = isType "option-type";

  # Two declarations of types with the same functor name combine by their binOp; a type
  # without payload combines only with itself.
  defaultTypeMerge =
    f: f':
    if f.name != f'.name then
      null
    else if f.payload == null then
      (if f'.payload == null then f.type else null)
    else
      let
        merged = f.binOp f.payload f'.payload;
      in
      if merged == null then null else f.type merged;

  defaultFunctor = name: {
    inherit name;
    type = lib.types.${name} or null;
    payload = null;
    binOp = _: _: null;
  };

  mkOptionType =
    {
      name,
      description ? null,
      descriptionClass ? null,
      check ? (_: true),
      merge ? mergeDefaultOption,
      emptyValue ? { },
      getSubOptions ? _: { },
      getSubModules ? null,
      substSubModules ? _: null,
      typeMerge ? defaultTypeMerge functor,
      functor ? defaultFunctor name,
      deprecationMessage ? null,
      nestedTypes ? { },
    }:
    {
      _type = "option-type";
      inherit
        name
        descriptionClass
        check
        merge
        emptyValue
        getSubOptions
        getSubModules
        substSubModules
        typeMerge
        functor
        deprecationMessage
        nestedTypes
        ;
      description = if description == null then name else description;
    };

  # The description of `t`, parenthesised unless its class is one `bare` accepts.
  optionDescriptionPhrase = bare: t: if bare (t.descriptionClass or null) then t.description else "(${t.description})";

  # Disables the unknown-option check, for evaluating sub-options for documentation.
  noCheckForDocsModule = {
    config._module.check = lib.modules.mkForce false;
    _file = "<built-in module that disables checks for the purpose of documentation generation>";
  };

  # The set itself: nixpkgs' lib.types has it too (lib.types.types.str).
  types = lib.types;

  # Refine `t` with an extra predicate.
  addCheck = t: extra: t // { check = x: t.check x && extra x; };

  # --- anything goes ---------------------------------------------------------------------

  raw = mkOptionType {
    name = "raw";
    description = "raw value";
    descriptionClass = "noun";
    merge = mergeOneOption;
  };

  unspecified = mkOptionType {
    name = "unspecified";
    description = "unspecified value";
    descriptionClass = "noun";
  };

  # Any value; sets merge attribute by attribute, functions merge their results, and
  # anything else (lists included) must be equal in every definition.
  anything = mkOptionType {
    name = "anything";
    description = "anything";
    descriptionClass = "noun";
    merge =
      loc: defs:
      let
        kind = v: if b.isAttrs v && isStringLike v then "stringCoercibleSet" else b.typeOf v;
        first = kind (b.head defs).value;
        common =
          if b.all (d: kind d.value == first) defs then
            first
          else
            throw "The option `${showOption loc}' has conflicting option types in ${showFiles (getFiles defs)}";
        byKind = {
          set = (attrsOf anything).merge;
          stringCoercibleSet = mergeOneOption;
          lambda =
            loc': defs': arg:
            anything.merge (loc' ++ [ "<function body>" ]) (
              map (d: {
                inherit (d) file;
                value = d.value arg;
              }) defs'
            );
        };
      in
      (byKind.${common} or mergeEqualOption) loc defs;
  };

  attrs = mkOptionType {
    name = "attrs";
    description = "attribute set";
    check = b.isAttrs;
    merge = _: b.foldl' (acc: d: acc // d.value) { };
    emptyValue = {
      value = { };
    };
  };

  # --- scalars ---------------------------------------------------------------------------

  bool = mkOptionType {
    name = "bool";
    description = "boolean";
    descriptionClass = "noun";
    check = b.isBool;
    merge = mergeEqualOption;
  };

  boolByOr = mkOptionType {
    name = "boolByOr";
    description = "boolean (merged using or)";
    descriptionClass = "noun";
    check = b.isBool;
    merge = _: defs: b.any (d: d.value) defs;
  };

  int = mkOptionType {
    name = "int";
    description = "signed integer";
    descriptionClass = "noun";
    check = b.isInt;
    merge = mergeEqualOption;
  };

  ints =
    let
      range = lo: hi: "${toString lo} and ${toString hi} (both inclusive)";
      between =
        lo: hi:
        assert lib.asserts.assertMsg (lo <= hi) "ints.between: lowest must be smaller than highest";
        addCheck int (x: x >= lo && x <= hi)
        // {
          name = "intBetween";
          description = "integer between ${range lo hi}";
        };
      sized =
        lo: hi: name: what:
        between lo hi
        // {
          inherit name;
          description = "${what}; between ${range lo hi}";
        };
      unsignedBits = bits: size: sized 0 (size - 1) "unsignedInt${toString bits}" "${toString bits} bit unsigned integer";
      signedBits =
        bits: size:
        sized (0 - size / 2) (size / 2 - 1) "signedInt${toString bits}" "${toString bits} bit signed integer";
    in
    {
      inherit between;
      unsigned = addCheck int (x: x >= 0) // {
        name = "unsignedInt";
        description = "unsigned integer, meaning >=0";
        descriptionClass = "nonRestrictiveClause";
      };
      positive = addCheck int (x: x > 0) // {
        name = "positiveInt";
        description = "positive integer, meaning >0";
        descriptionClass = "nonRestrictiveClause";
      };
      u8 = unsignedBits 8 256;
      u16 = unsignedBits 16 65536;
      u32 = unsignedBits 32 4294967296;
      s8 = signedBits 8 256;
      s16 = signedBits 16 65536;
      s32 = signedBits 32 4294967296;
    };

  port = ints.u16;

  float = mkOptionType {
    name = "float";
    description = "floating point number";
    descriptionClass = "noun";
    check = b.isFloat;
    merge = mergeEqualOption;
  };

  number = either int float;

  numbers =
    let
      range = lo: hi: "${b.toJSON lo} and ${b.toJSON hi} (both inclusive)";
    in
    {
      between =
        lo: hi:
        assert lib.asserts.assertMsg (lo <= hi) "numbers.between: lowest must be smaller than highest";
        addCheck number (x: x >= lo && x <= hi)
        // {
          name = "numberBetween";
          description = "integer or floating point number between ${range lo hi}";
        };
      nonnegative = addCheck number (x: x >= 0) // {
        name = "numberNonnegative";
        description = "nonnegative integer or floating point number, meaning >=0";
        descriptionClass = "nonRestrictiveClause";
      };
      positive = addCheck number (x: x > 0) // {
        name = "numberPositive";
        description = "positive integer or floating point number, meaning >0";
        descriptionClass = "nonRestrictiveClause";
      };
    };

  # --- strings ---------------------------------------------------------------------------

  str = mkOptionType {
    name = "str";
    description = "string";
    descriptionClass = "noun";
    check = b.isString;
    merge = mergeEqualOption;
  };

  nonEmptyStr = mkOptionType {
    name = "nonEmptyStr";
    description = "non-empty string";
    descriptionClass = "noun";
    check = x: b.isString x && b.match "[ \t\n]*" x == null;
    merge = mergeEqualOption;
  };

  singleLineStr = mkOptionType {
    name = "singleLineStr";
    description = "(optionally newline-terminated) single-line string";
    descriptionClass = "noun";
    check = x: b.isString x && b.match "[^\n\r]*\n?" x != null;
    merge = loc: defs: lib.strings.removeSuffix "\n" (mergeEqualOption loc defs);
  };

  strMatching =
    pattern:
    mkOptionType {
      name = "strMatching ${escapeNixString pattern}";
      description = "string matching the pattern ${pattern}";
      descriptionClass = "noun";
      check = x: b.isString x && b.match pattern x != null;
      merge = mergeEqualOption;
      functor = defaultFunctor "strMatching" // {
        type = p: strMatching p.pattern;
        payload = { inherit pattern; };
        binOp = x: y: if x == y then x else null;
      };
    };

  # Strings; several definitions are joined with `sep`.
  separatedString =
    sep:
    mkOptionType {
      name = "separatedString";
      description = "strings concatenated with ${b.toJSON sep}";
      descriptionClass = "noun";
      check = b.isString;
      merge = _: defs: b.concatStringsSep sep (getValues defs);
      functor = defaultFunctor "separatedString" // {
        type = p: separatedString p.sep;
        payload = { inherit sep; };
        binOp = x: y: if x.sep == y.sep then x else null;
      };
    };

  lines = separatedString "\n";
  commas = separatedString ",";
  envVar = separatedString ":";

  # Not in current nixpkgs any more: strings joined without separator.
  string = separatedString "" // {
    name = "string";
    deprecationMessage = "See https://github.com/NixOS/nixpkgs/pull/66346 for better alternative types.";
  };

  passwdEntry =
    t:
    addCheck t (s: !(lib.strings.hasInfix ":" s || lib.strings.hasInfix "\n" s))
    // {
      name = "passwdEntry ${t.name}";
      description = "${optionDescriptionPhrase (c: c == "noun") t}, not containing newlines or colons";
      descriptionClass = "nonRestrictiveClause";
    };

  # --- paths and packages ----------------------------------------------------------------

  # Paths or strings naming paths; `absolute` and `inStore` restrict them when not null.
  pathWith =
    {
      inStore ? null,
      absolute ? null,
    }:
    lib.trivial.throwIf (inStore != null && absolute != null && inStore && !absolute)
      "In pathWith, inStore means the path must be absolute"
      mkOptionType
      {
        name = "path";
        description =
          (if absolute == null then "" else if absolute then "absolute " else "relative ")
          + "path"
          + (if inStore == null then "" else if inStore then " in the Nix store" else " not in the Nix store");
        descriptionClass = "noun";
        check =
          x:
          let
            s = toString x;
            storePrefix = b.storeDir + "/";
            inside = lib.strings.hasPrefix storePrefix s && b.stringLength s > b.stringLength storePrefix;
          in
          (if inStore == null || inStore then isStringLike x else b.isString x)
          && (inStore == null || inStore == inside)
          && (absolute == null || absolute == (b.substring 0 1 s == "/"));
        merge = mergeEqualOption;
        functor = defaultFunctor "path" // {
          type = pathWith;
          payload = { inherit inStore absolute; };
          binOp = x: y: if x == y then x else null;
        };
      };
  path = pathWith { absolute = true; };
  pathInStore = pathWith { inStore = true; };
  externalPath = pathWith {
    absolute = true;
    inStore = false;
  };

  # A derivation, or a store path (then turned into a derivation-like set).
  package = mkOptionType {
    name = "package";
    descriptionClass = "noun";
    check = x: lib.attrsets.isDerivation x || lib.strings.isStorePath x;
    merge =
      loc: defs:
      let
        v = mergeOneOption loc defs;
      in
      if b.isPath v || (b.isString v && !b.hasContext v) then lib.attrsets.toDerivation v else v;
  };

  shellPackage = package // {
    check = x: lib.attrsets.isDerivation x && x ? shellPath;
  };

  # --- containers ------------------------------------------------------------------------

  listOf =
    elemType:
    mkOptionType {
      name = "listOf";
      description = "list of ${optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType}";
      descriptionClass = "composite";
      check = b.isList;
      # Each element is merged on its own, at a location naming its definition and entry.
      merge =
        loc: defs:
        map (r: r.optionalValue.value) (
          b.filter (r: r.optionalValue ? value) (
            b.concatLists (
              lib.lists.imap1 (
                n: def:
                lib.lists.imap1 (
                  m: v:
                  lib.modules.mergeDefinitions (loc ++ [ "[definition ${toString n}-entry ${toString m}]" ]) elemType [
                    {
                      inherit (def) file;
                      value = v;
                    }
                  ]
                ) def.value
              ) defs
            )
          )
        );
      emptyValue = {
        value = [ ];
      };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "*" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: listOf (elemType.substSubModules m);
      functor = elemFunctor "listOf" { inherit elemType; } (p: listOf p.elemType);
      nestedTypes.elemType = elemType;
    };

  nonEmptyListOf =
    elemType:
    let
      base = addCheck (listOf elemType) (l: l != [ ]);
    in
    base
    // {
      description = "non-empty ${optionDescriptionPhrase (c: c == "noun") base}";
      emptyValue = { };
      substSubModules = m: nonEmptyListOf (elemType.substSubModules m);
    };

  attrsOf = elemType: attrsWith { inherit elemType; };
  lazyAttrsOf =
    elemType:
    attrsWith {
      inherit elemType;
      lazy = true;
    };

  # Attribute sets whose values are merged name by name with `elemType`. A lazy one has
  # every defined name, even those whose definitions all turn out conditional and false
  # (their value is then an error or the element type's empty value), so that looking up
  # one name never forces the others.
  attrsWith =
    {
      elemType,
      lazy ? false,
      placeholder ? "name",
    }:
    let
      name = if lazy then "lazyAttrsOf" else "attrsOf";
      perName =
        loc: defs:
        b.zipAttrsWith (k: kdefs: lib.modules.mergeDefinitions (loc ++ [ k ]) elemType kdefs) (
          map (
            d:
            b.mapAttrs (_: v: {
              inherit (d) file;
              value = v;
            }) d.value
          ) defs
        );
    in
    mkOptionType {
      inherit name;
      description =
        (if lazy then "lazy attribute set" else "attribute set")
        + " of ${optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType}";
      descriptionClass = "composite";
      check = b.isAttrs;
      merge =
        loc: defs:
        let
          results = perName loc defs;
        in
        if lazy then
          b.mapAttrs (_: r: r.optionalValue.value or elemType.emptyValue.value or r.mergedValue) results
        else
          b.mapAttrs (_: r: r.optionalValue.value) (lib.attrsets.filterAttrs (_: r: r.optionalValue ? value) results);
      emptyValue = {
        value = { };
      };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<${placeholder}>" ]);
      getSubModules = elemType.getSubModules;
      substSubModules =
        m:
        attrsWith {
          elemType = elemType.substSubModules m;
          inherit lazy placeholder;
        };
      functor = elemFunctor name { inherit elemType; } (
        p:
        attrsWith {
          inherit (p) elemType;
          inherit lazy placeholder;
        }
      );
      nestedTypes.elemType = elemType;
    };

  # Lists of attribute sets were once accepted here; now the same as attrsOf.
  loaOf =
    elemType:
    attrsOf elemType
    // {
      name = "loaOf";
      deprecationMessage =
        "Mixing lists with attribute values is no longer"
        + " possible; please use `types.attrsOf` instead. See"
        + " https://github.com/NixOS/nixpkgs/issues/1800 for the motivation.";
      nestedTypes.elemType = elemType;
    };

  # `t`, but only one definition is allowed.
  unique =
    { message }:
    t:
    mkOptionType {
      name = "unique";
      inherit (t) description descriptionClass check emptyValue getSubOptions getSubModules;
      merge = mergeUniqueOption {
        inherit message;
        inherit (t) merge;
      };
      substSubModules = m: unique { inherit message; } (t.substSubModules m);
      functor = elemFunctor "unique" { elemType = t; } (p: unique { inherit message; } p.elemType);
      nestedTypes.elemType = t;
    };
  uniq = unique { message = ""; };

  nullOr =
    elemType:
    mkOptionType {
      name = "nullOr";
      description = "null or ${optionDescriptionPhrase (c: c == "noun" || c == "conjunction") elemType}";
      descriptionClass = "conjunction";
      check = x: x == null || elemType.check x;
      merge =
        loc: defs:
        let
          nulls = b.length (b.filter (d: d.value == null) defs);
        in
        if nulls == 0 then
          elemType.merge loc defs
        else if nulls == b.length defs then
          null
        else
          throw "The option `${showOption loc}` is defined both null and not null, in ${showFiles (getFiles defs)}.";
      emptyValue = {
        value = null;
      };
      getSubOptions = elemType.getSubOptions;
      getSubModules = elemType.getSubModules;
      substSubModules = m: nullOr (elemType.substSubModules m);
      functor = elemFunctor "nullOr" { inherit elemType; } (p: nullOr p.elemType);
      nestedTypes.elemType = elemType;
    };

  # Functions; several definitions are called with the same argument and their results merged.
  functionTo =
    elemType:
    mkOptionType {
      name = "functionTo";
      description = "function that evaluates to a(n) ${
        optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType
      }";
      descriptionClass = "composite";
      check = lib.trivial.isFunction;
      merge = loc: defs: {
        __functionArgs = b.zipAttrsWith (_: b.all (x: x)) (map (d: lib.trivial.functionArgs d.value) defs);
        __functor =
          _: arg:
          (lib.modules.mergeDefinitions (loc ++ [ "<function body>" ]) elemType (
            map (d: {
              inherit (d) file;
              value = d.value arg;
            }) defs
          )).mergedValue;
      };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<function body>" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: functionTo (elemType.substSubModules m);
      functor = elemFunctor "functionTo" { inherit elemType; } (p: functionTo p.elemType);
      nestedTypes.elemType = elemType;
    };

  # One of the listed values.
  enum =
    values:
    let
      show =
        v:
        if b.isString v then
          ''"${v}"''
        else if b.isInt v then
          toString v
        else if b.isBool v then
          lib.trivial.boolToString v
        else
          "<${b.typeOf v}>";
    in
    mkOptionType {
      name = "enum";
      description =
        if values == [ ] then
          "impossible (empty enum)"
        else if b.length values == 1 then
          "value ${show (b.head values)} (singular enum)"
        else
          "one of ${concatMapStringsSep ", " show values}";
      descriptionClass = if b.length values < 2 then "noun" else "conjunction";
      check = v: b.elem v values;
      merge = mergeEqualOption;
      functor = defaultFunctor "enum" // {
        type = p: enum p.values;
        payload = { inherit values; };
        binOp = x: y: { values = lib.lists.unique (x.values ++ y.values); };
      };
    };

  # A value of `t1` or of `t2`: merged with the first type that accepts every definition.
  either =
    t1: t2:
    mkOptionType rec {
      name = "either";
      description =
        if t1.descriptionClass or null == "nonRestrictiveClause" then
          "${t1.description}, or ${optionDescriptionPhrase (c: c == "noun" || c == "conjunction") t2}"
        else
          "${optionDescriptionPhrase (c: c == "noun" || c == "conjunction") t1} or ${
            optionDescriptionPhrase (c: c == "noun" || c == "conjunction" || c == "composite") t2
          }";
      descriptionClass = "conjunction";
      check = x: t1.check x || t2.check x;
      merge =
        loc: defs:
        let
          vs = getValues defs;
        in
        if b.all t1.check vs then
          t1.merge loc defs
        else if b.all t2.check vs then
          t2.merge loc defs
        else
          mergeOneOption loc defs;
      typeMerge =
        f':
        let
          m1 = t1.typeMerge (b.elemAt f'.payload.elemType 0).functor;
          m2 = t2.typeMerge (b.elemAt f'.payload.elemType 1).functor;
        in
        if name == f'.name && m1 != null && m2 != null then either m1 m2 else null;
      functor = elemFunctor name { elemType = [ t1 t2 ]; } (p: either (b.elemAt p.elemType 0) (b.elemAt p.elemType 1));
      nestedTypes.left = t1;
      nestedTypes.right = t2;
    };

  oneOf =
    ts:
    if ts == [ ] then
      throw "types.oneOf needs to get at least one type in its argument"
    else
      b.foldl' either (b.head ts) (b.tail ts);

  # Values of `coercedType` are converted with `coerce`; the result must be a `finalType`.
  coercedTo =
    coercedType: coerce: finalType:
    assert lib.asserts.assertMsg (coercedType.getSubModules == null)
      "coercedTo: coercedType must not have submodules (it’s a ${coercedType.description})";
    mkOptionType {
      name = "coercedTo";
      description = "${optionDescriptionPhrase (c: c == "noun") finalType} or ${
        optionDescriptionPhrase (c: c == "noun") coercedType
      } convertible to it";
      check = x: (coercedType.check x && finalType.check (coerce x)) || finalType.check x;
      merge =
        loc: defs:
        finalType.merge loc (
          map (d: d // { value = if coercedType.check d.value then coerce d.value else d.value; }) defs
        );
      emptyValue = finalType.emptyValue;
      getSubOptions = finalType.getSubOptions;
      getSubModules = finalType.getSubModules;
      substSubModules = m: coercedTo coercedType coerce (finalType.substSubModules m);
      typeMerge = _: null;
      functor = defaultFunctor "coercedTo";
      nestedTypes.coercedType = coercedType;
      nestedTypes.finalType = finalType;
    };

  # Values that serialise to JSON or TOML.
  serializableValueWith =
    {
      typeName,
      nullable ? true,
    }:
    let
      scalarOrNested = oneOf [
        bool
        int
        float
        str
        path
        (attrsOf value)
        (listOf value)
      ];
      value = (if nullable then nullOr scalarOrNested else scalarOrNested) // {
        description = "${typeName} value";
      };
    in
    value;
  json = serializableValueWith { typeName = "JSON"; };
  toml = serializableValueWith {
    typeName = "TOML";
    nullable = false;
  };

  # --- types of the module system itself -------------------------------------------------

  optionType = mkOptionType {
    name = "optionType";
    description = "optionType";
    descriptionClass = "noun";
    check = isType "option-type";
    # Several type definitions combine as declarations of one option would.
    merge =
      loc: defs:
      if b.length defs == 1 then
        (b.head defs).value
      else
        (lib.modules.fixupOptionType loc (
          lib.modules.mergeOptionDecls loc (
            map (d: {
              _file = d.file;
              pos = null;
              options = lib.options.mkOption { type = d.value; };
            }) defs
          )
        )).type;
  };

  optionDeclaration = mkOptionType {
    name = "optionDeclaration";
    description = "option declaration";
    descriptionClass = "noun";
    check = o: isType "option" o && !(o ? value);
  };

  submodule =
    modules:
    submoduleWith {
      shorthandOnlyDefinesConfig = true;
      modules = lib.lists.toList modules;
    };

  # A module evaluated once per option value: the definitions of the option are modules
  # added to `modules`, with `name` set to the last element of the option's location.
  submoduleWith =
    {
      modules,
      specialArgs ? { },
      shorthandOnlyDefinesConfig ? false,
      description ? null,
      class ? null,
    }@attrs:
    let
      asModules = map (
        { value, file }:
        if b.isAttrs value && shorthandOnlyDefinesConfig then
          {
            _file = file;
            config = value;
          }
        else
          {
            _file = file;
            imports = [ value ];
          }
      );
      base = lib.modules.evalModules {
        inherit class specialArgs;
        modules = [ { _module.args.name = lib.modules.mkOptionDefault "‹name›"; } ] ++ modules;
      };
      freeform = base._module.freeformType;
      forDocs = prefix: base.extendModules {
        inherit prefix;
        modules = [ noCheckForDocsModule ];
      };
    in
    mkOptionType {
      name = "submodule";
      description =
        if description != null then
          description
        else
          let
            ff = (forDocs [ ])._module.freeformType;
          in
          if ff ? description then
            "open submodule of ${optionDescriptionPhrase (c: c == "noun" || c == "composite") ff}"
          else
            "submodule";
      check = x: b.isAttrs x || lib.trivial.isFunction x || path.check x;
      merge =
        loc: defs:
        (base.extendModules {
          modules = [ { _module.args.name = last loc; } ] ++ asModules defs;
          prefix = loc;
        }).config;
      emptyValue = {
        value = base.config;
      };
      getSubOptions =
        prefix:
        let
          e = forDocs prefix;
          ff = e._module.freeformType;
        in
        e.options // lib.attrsets.optionalAttrs (ff != null) { _freeformOptions = ff.getSubOptions prefix; };
      getSubModules = modules;
      substSubModules = m: submoduleWith (attrs // { modules = m; });
      nestedTypes = lib.attrsets.optionalAttrs (freeform != null) { freeformType = freeform; };
      functor = defaultFunctor "submodule" // {
        type = submoduleWith;
        payload = {
          inherit modules class specialArgs shorthandOnlyDefinesConfig description;
        };
        binOp =
          x: y:
          let
            pick =
              what: p: q:
              if p == null then
                q
              else if q == null then
                p
              else if p == q then
                p
              else
                throw "A submoduleWith option is declared multiple times with conflicting ${what}";
            sharedArgs = b.intersectAttrs x.specialArgs y.specialArgs;
          in
          {
            class = pick "class values \"${toString x.class}\" and \"${toString y.class}\"" x.class or null y.class or null;
            modules = x.modules ++ y.modules;
            specialArgs =
              if sharedArgs == { } then
                x.specialArgs // y.specialArgs
              else
                throw "A submoduleWith option is declared multiple times with the same specialArgs \"${toString (b.attrNames sharedArgs)}\"";
            shorthandOnlyDefinesConfig = pick "shorthandOnlyDefinesConfig values" x.shorthandOnlyDefinesConfig y.shorthandOnlyDefinesConfig;
            description = pick "descriptions" x.description y.description;
          };
      };
    };

  # A module kept for later evaluation: all definitions become one module importing them.
  deferredModule = deferredModuleWith { };
  deferredModuleWith =
    attrs@{
      staticModules ? [ ],
    }:
    mkOptionType {
      name = "deferredModule";
      description = "module";
      descriptionClass = "noun";
      check = x: b.isAttrs x || lib.trivial.isFunction x || path.check x;
      merge = loc: defs: {
        imports =
          staticModules
          ++ map (d: lib.modules.setDefaultModuleLocation "${d.file}, via option ${showOption loc}" d.value) defs;
      };
      inherit (submoduleWith { modules = staticModules; }) getSubOptions getSubModules;
      substSubModules = m: deferredModuleWith (attrs // { staticModules = m; });
      functor = defaultFunctor "deferredModuleWith" // {
        type = deferredModuleWith;
        payload = { inherit staticModules; };
        binOp = x: y: { staticModules = x.staticModules ++ y.staticModules; };
      };
    };
}

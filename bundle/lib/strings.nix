# String functions: concatenation, searching, escaping, versions and configure flags.
{ lib }:
let
  b = builtins;
  inherit (b)
    stringLength
    substring
    match
    split
    length
    head
    elemAt
    genList
    ;
in
rec {
  inherit (b)
    stringLength
    substring
    isString
    replaceStrings
    concatStringsSep
    match
    split
    typeOf
    unsafeDiscardStringContext
    compareVersions
    storeDir
    elem
    elemAt
    filter
    fromJSON
    genList
    head
    isAttrs
    isInt
    isList
    isPath
    parseDrvName
    readFile
    tail
    toJSON
    ;
  replicate = lib.lists.replicate;
  appendContext = b.appendContext or (_: s: s);
  replaceString = from: to: b.replaceStrings [ from ] [ to ];

  # --- concatenation ---------------------------------------------------------------------

  concatStrings = concatStringsSep "";
  concatMapStrings = f: xs: concatStrings (map f xs);
  concatImapStrings = f: xs: concatStrings (lib.lists.imap1 f xs);
  concatMapStringsSep = sep: f: xs: concatStringsSep sep (map f xs);
  concatImapStringsSep = sep: f: xs: concatStringsSep sep (lib.lists.imap1 f xs);
  concatMapAttrsStringSep = sep: f: set: concatStringsSep sep (b.attrValues (b.mapAttrs f set));
  concatLines = concatMapStrings (line: line + "\n");
  join = concatStringsSep;

  # Put `sep` between the elements of a list.
  intersperse =
    sep: xs:
    if length xs < 2 then xs else b.tail (b.concatMap (x: [ sep x ]) xs);

  # "a/sub:b/sub" for paths [ a b ]; nulls are skipped.
  makeSearchPath =
    subDir: paths: concatStringsSep ":" (map (p: p + "/" + subDir) (b.filter (p: p != null) paths));
  makeSearchPathOutput =
    output: subDir: pkgs: makeSearchPath subDir (map (lib.attrsets.getOutput output) pkgs);
  makeLibraryPath = makeSearchPathOutput "lib" "lib";
  makeIncludePath = makeSearchPathOutput "dev" "include";
  makeBinPath = makeSearchPathOutput "bin" "bin";
  makePerlPath = makeSearchPathOutput "lib" "lib/perl5/site_perl";

  # Collapse runs of "/" into one.
  normalizePath =
    s: b.foldl' (acc: c: if c == "/" && hasSuffix "/" acc then acc else acc + c) "" (stringToCharacters s);

  optionalString = cond: s: if cond then s else "";

  # --- searching -------------------------------------------------------------------------

  hasPrefix = prefix: s: substring 0 (stringLength prefix) s == prefix;

  hasSuffix =
    suffix: s:
    let
      n = stringLength s;
      k = stringLength suffix;
    in
    n >= k && substring (n - k) n s == suffix;

  hasInfix = infix: s: length (split (escapeRegex infix) "${s}") > 1;

  removePrefix =
    prefix: s:
    let
      k = stringLength prefix;
    in
    if hasPrefix prefix s then substring k (stringLength s - k) s else s;

  removeSuffix =
    suffix: s:
    let
      k = stringLength suffix;
      n = stringLength s;
    in
    if k <= n && substring (n - k) k s == suffix then substring 0 (n - k) s else s;

  # Split at every literal occurrence of `sep`; context of `s` is kept on every piece.
  splitString =
    sep: s:
    map (addContextFrom s) (b.filter b.isString (split (escapeRegex (toString sep)) (toString s)));

  # --- characters ------------------------------------------------------------------------

  stringToCharacters = s: genList (i: substring i 1 s) (stringLength s);
  stringAsChars = f: s: concatStrings (map f (stringToCharacters s));

  lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";
  upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  toLower = replaceStrings upperChars lowerChars;
  toUpper = replaceStrings lowerChars upperChars;
  toSentenceCase =
    s: addContextFrom s (toUpper (substring 0 1 s) + toLower (substring 1 (stringLength s) s));

  # Trim the whitespace characters space, tab, CR and LF.
  trimWith =
    {
      start ? false,
      end ? false,
    }:
    s:
    let
      n = stringLength s;
      solid = i: !b.elem (substring i 1 s) [ " " "\t" "\r" "\n" ];
      indices = genList (i: i) n;
      firstSolid = lib.lists.findFirstIndex solid n indices;
      # Searching from the end: the k-th candidate is the character at n - 1 - k.
      lastSolid = n - 1 - lib.lists.findFirstIndex (k: solid (n - 1 - k)) n indices;
      from = if start then firstSolid else 0;
      to = if end then lastSolid + 1 else n;
    in
    if to <= from then "" else substring from (to - from) s;
  trim = trimWith {
    start = true;
    end = true;
  };

  # --- escaping --------------------------------------------------------------------------

  escape = chars: replaceStrings chars (map (c: "\\" + c) chars);

  escapeRegex = escape (stringToCharacters "\\[{()^$?*+|.");

  escapeNixString = s: escape [ "$" ] (b.toJSON s);

  escapeNixIdentifier =
    s:
    if
      match "[a-zA-Z_][a-zA-Z0-9_'-]*" s != null
      && !(b.elem s [ "assert" "else" "if" "in" "inherit" "let" "or" "rec" "then" "with" ])
    then
      s
    else
      escapeNixString s;

  # Quote for a POSIX shell; words made only of safe characters stay bare.
  escapeShellArg =
    arg:
    let
      s = toString arg;
    in
    if match "[[:alnum:],._+:@%/-]+" s != null then s else "'" + replaceStrings [ "'" ] [ "'\\''" ] s + "'";
  escapeShellArgs = concatMapStringsSep " " escapeShellArg;

  isValidPosixName = name: match "[a-zA-Z_][a-zA-Z0-9_]*" name != null;

  toShellVar =
    name: value:
    lib.trivial.throwIfNot (isValidPosixName name) "toShellVar: ${name} is not a valid shell variable name" (
      if b.isAttrs value && !isStringLike value then
        "declare -A ${name}=(${
          concatStringsSep " " (
            lib.attrsets.mapAttrsToList (k: v: "[${escapeShellArg k}]=${escapeShellArg v}") value
          )
        })"
      else if b.isList value then
        "declare -a ${name}=(${escapeShellArgs value})"
      else
        "${name}=${escapeShellArg value}"
    );
  toShellVars = vars: concatStringsSep "\n" (lib.attrsets.mapAttrsToList toShellVar vars);

  escapeXML = replaceStrings [ "\"" "'" "<" ">" "&" ] [ "&quot;" "&apos;" "&lt;" "&gt;" "&amp;" ];

  escapeURL =
    let
      keep = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
      hex = c: "%" + fixedWidthString 2 "0" (lib.trivial.toHexString (charToInt c));
      all = b.attrNames asciiTable;
      toEscape = b.filter (c: !b.elem c keep) all;
    in
    replaceStrings toEscape (map hex toEscape);

  escapeC = chars: replaceStrings chars (map (c: "\\x" + toLower (fixedWidthString 2 "0" (lib.trivial.toHexString (charToInt c)))) chars);

  # Printable ASCII and the usual control characters, to their codes.
  asciiTable = b.listToAttrs (
    b.filter (p: p.name != "") (
      genList (i: {
        name = b.fromJSON "\"\\u00${fixedWidthString 2 "0" (lib.trivial.toHexString (i + 1))}\"";
        value = i + 1;
      }) 127
    )
  );
  charToInt = c: b.getAttr c asciiTable;

  # --- context ---------------------------------------------------------------------------

  addContextFrom = src: target: substring 0 0 src + target;

  # --- type predicates -------------------------------------------------------------------

  isStringLike = x: b.isString x || b.isPath x || x ? outPath || x ? __toString;
  isCoercibleToString = isConvertibleWithToString;
  isConvertibleWithToString =
    x:
    isStringLike x
    || b.elem (b.typeOf x) [ "null" "int" "float" "bool" ]
    || (b.isList x && b.all isConvertibleWithToString x);

  isStorePath =
    x:
    if isStringLike x then
      let
        s = toString x;
      in
      substring 0 1 s == "/" && (dirOf s == b.storeDir || match "/[0-9a-z]{52}" s != null)
    else
      false;

  # --- numbers ---------------------------------------------------------------------------

  toInt =
    s:
    let
      digits = match "[[:space:]]*(-?[[:digit:]]+)[[:space:]]*" s;
      bad = throw "toInt: Could not convert ${escapeNixString s} to int.";
    in
    if digits == null then
      bad
    else if match "0[[:digit:]]+" (head digits) != null then
      throw "toInt: Ambiguity in interpretation of ${escapeNixString s} between octal and zero padded integer."
    else
      let
        v = b.fromJSON (head digits);
      in
      if b.isInt v then v else bad;

  toIntBase10 =
    s:
    let
      digits = match "[[:space:]]*0*(-?[[:digit:]]+)[[:space:]]*" s;
      bad = throw "toIntBase10: Could not convert ${escapeNixString s} to int.";
    in
    if digits == null then
      bad
    else if match "0+" (head digits) != null then
      0
    else
      let
        v = b.fromJSON (head digits);
      in
      if b.isInt v then v else bad;

  floatToString = f: toString f;

  # Pad `s` on the left with `filler` to `width` characters.
  fixedWidthString =
    width: filler: s:
    let
      n = stringLength s;
    in
    assert lib.assertMsg (n <= width) "fixedWidthString: requested string length (${toString width}) must not be shorter than actual length (${toString n})";
    if n == width then s else filler + fixedWidthString (width - stringLength filler) filler s;

  fixedWidthNumber = width: n: fixedWidthString width "0" (toString n);

  # --- versions and names ----------------------------------------------------------------

  versionOlder = v1: v2: b.compareVersions v2 v1 == 1;
  versionAtLeast = v1: v2: !versionOlder v1 v2;

  getName = x: if b.isString x then (b.parseDrvName x).name else x.pname or (b.parseDrvName x.name).name;
  getVersion =
    x: if b.isString x then (b.parseDrvName x).version else x.version or (b.parseDrvName x.name).version;

  # The file name of `url` up to the first `sep`.
  nameFromURL =
    url: sep:
    let
      file = lib.lists.last (splitString "/" url);
      name = head (splitString sep file);
    in
    assert name != file;
    name;

  # The length of the longest common prefix (suffix) of two strings.
  commonPrefixLength =
    x: y:
    let
      n = lib.trivial.min (stringLength x) (stringLength y);
    in
    lib.lists.findFirstIndex (i: substring i 1 x != substring i 1 y) n (genList (i: i) n);
  commonSuffixLength =
    x: y:
    let
      nx = stringLength x;
      ny = stringLength y;
      n = lib.trivial.min nx ny;
    in
    lib.lists.findFirstIndex (i: substring (nx - 1 - i) 1 x != substring (ny - 1 - i) 1 y) n (genList (i: i) n);

  # --- edit distance ---------------------------------------------------------------------

  # The Levenshtein distance between two strings (insertions, deletions, substitutions).
  levenshtein =
    x: y:
    let
      xs = stringToCharacters x;
      ys = stringToCharacters y;
      ny = length ys;
      min3 = p: q: r: lib.trivial.min p (lib.trivial.min q r);
      # Row i of the table, from row i - 1; each row refers to its own earlier cells.
      nextRow =
        prev: i:
        let
          c = elemAt xs (i - 1);
          row = genList (
            j:
            if j == 0 then
              i
            else
              min3 (elemAt prev j + 1) (elemAt row (j - 1) + 1) (
                elemAt prev (j - 1) + (if c == elemAt ys (j - 1) then 0 else 1)
              )
          ) (ny + 1);
        in
        row;
      final = b.foldl' nextRow (genList (j: j) (ny + 1)) (lib.lists.range 1 (length xs));
    in
    elemAt final ny;

  levenshteinAtMost =
    k: x: y:
    let
      d = stringLength x - stringLength y;
    in
    (if d < 0 then -d else d) <= k && levenshtein x y <= k;

  # --- configure flags -------------------------------------------------------------------

  enableFeature =
    flag: feature:
    assert lib.assertMsg (b.isString feature) "enableFeature feature must be a string";
    "--${if flag then "enable" else "disable"}-${feature}";
  enableFeatureAs = flag: feature: value: enableFeature flag feature + optionalString flag "=${value}";
  withFeature =
    flag: feature:
    assert b.isString feature;
    "--${if flag then "with" else "without"}-${feature}";
  withFeatureAs = flag: feature: value: withFeature flag feature + optionalString flag "=${value}";

  cmakeOptionType =
    type: feature: value:
    assert b.elem (toUpper type) [ "BOOL" "FILEPATH" "PATH" "STRING" "INTERNAL" "LIST" ];
    assert b.isString feature && b.isString value;
    "-D${feature}:${toUpper type}=${value}";
  cmakeBool = condition: flag: cmakeOptionType "bool" condition (lib.trivial.boolToString flag);
  cmakeFeature = feature: value: cmakeOptionType "string" feature value;
  mesonOption = feature: value: "-D${feature}=${value}";
  mesonBool = condition: flag: mesonOption condition (lib.trivial.boolToString flag);
  mesonEnable = feature: flag: mesonOption feature (if flag then "enabled" else "disabled");

  # --- files -----------------------------------------------------------------------------

  fileContents = file: removeSuffix "\n" (b.readFile file);

  # Lines of `file` that are neither empty nor comments, each appended to `rootPath`.
  readPathsFromFile =
    rootPath: file:
    map (line: rootPath + "/${line}") (
      b.filter (line: line != "" && !hasPrefix "#" line) (splitString "\n" (b.readFile file))
    );

  # A string usable as a derivation name: invalid characters become "-", leading dots go,
  # and at most 207 characters are kept (from the end).
  sanitizeDerivationName =
    s:
    let
      plain = unsafeDiscardStringContext s;
    in
    if stringLength s <= 207 && match "[[:alnum:]+_?=-][[:alnum:]+._?=-]*" s != null then
      plain
    else
      let
        noDots = head (match "\\.*(.*)" plain);
        replaced = concatMapStrings (p: if b.isList p then "-" else p) (split "[^[:alnum:]+._?=-]+" noDots);
        n = stringLength replaced;
        kept = substring (lib.trivial.max (n - 207) 0) (-1) replaced;
      in
      if kept == "" then "unknown" else kept;
}

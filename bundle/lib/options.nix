# Option declarations (mkOption and friends), the generic merge functions that types use,
# and the helpers that render options and definitions in messages and documentation.
#
# A definition is { file, value }; a list of them is what a type's `merge` receives, after
# the module system has resolved mkIf/mkMerge/mkOverride/mkOrder.
{ lib }:
let
  b = builtins;
  inherit (lib.strings) concatStringsSep concatMapStrings concatMapStringsSep escapeNixIdentifier;

  # Appended to errors about several definitions of one option.
  priorityHint = ''
    Use `lib.mkForce value` or `lib.mkDefault value` to change the priority on any of these definitions.
  '';
in
rec {
  # The file name used when a module's origin is not known.
  unknownModule = "<unknown-file>";

  isOption = lib.types.isType "option";

  # Declare an option. Unknown attributes are an error, as they are in nixpkgs.
  mkOption =
    {
      default ? null,
      defaultText ? null,
      example ? null,
      description ? null,
      relatedPackages ? null,
      type ? null,
      apply ? null,
      internal ? null,
      visible ? null,
      readOnly ? null,
    }@attrs:
    attrs // { _type = "option"; };

  mkEnableOption =
    name:
    mkOption {
      default = false;
      example = true;
      description = "Whether to enable ${name}.";
      type = lib.types.bool;
    };

  # An option holding a package of `pkgs`, by default the one at attribute path `name`.
  mkPackageOption =
    pkgs: name:
    {
      nullable ? false,
      default ? name,
      example ? null,
      extraDescription ? "",
      pkgsText ? "pkgs",
    }:
    let
      shownName = if b.isList name then lib.lists.last name else name;
      path = lib.lists.toList default;
      pathText = lib.attrsets.showAttrPath path;
      defaults =
        if default != null then
          {
            default = lib.attrsets.attrByPath path (throw "${pathText} cannot be found in ${pkgsText}") pkgs;
            defaultText = literalExpression "${pkgsText}.${pathText}";
          }
        else if nullable then
          { default = null; }
        else
          { };
    in
    mkOption (
      defaults
      // {
        description =
          "The ${shownName} package to use." + (if extraDescription == "" then "" else " " + extraDescription);
        type = if nullable then lib.types.nullOr lib.types.package else lib.types.package;
      }
      // lib.attrsets.optionalAttrs (example != null) {
        example = literalExpression (
          if b.isList example then "${pkgsText}.${lib.attrsets.showAttrPath example}" else example
        );
      }
    );
  mkPackageOptionMD = mkPackageOption;

  # An option that swallows any definitions and has no readable value.
  mkSinkUndeclaredOptions =
    attrs:
    mkOption (
      {
        internal = true;
        visible = false;
        default = false;
        description = "Sink for option definitions.";
        type = lib.types.mkOptionType {
          name = "sink";
          check = _: true;
          merge = _: _: false;
        };
        apply = _: throw "Option value is not readable because the option is not declared.";
      }
      // attrs
    );

  # --- merge functions -------------------------------------------------------------------

  # The merge of untyped options: one definition is taken as is; otherwise all must be
  # functions (merged pointwise), lists (concatenated), sets (updated left to right),
  # booleans (or-ed), strings (concatenated) or equal integers.
  mergeDefaultOption =
    loc: defs:
    let
      vs = getValues defs;
      every = p: b.all p vs;
    in
    if b.length vs == 1 then
      b.head vs
    else if every lib.trivial.isFunction then
      x: mergeDefaultOption loc (map (f: f x) vs)
    else if every b.isList then
      b.concatLists vs
    else if every b.isAttrs then
      b.foldl' (acc: v: acc // v) { } vs
    else if every b.isBool then
      b.any (v: v) vs
    else if every b.isString then
      lib.strings.concatStrings vs
    else if every b.isInt && every (v: v == b.head vs) then
      b.head vs
    else
      throw "Cannot merge definitions of `${showOption loc}'. Definition values:${showDefs defs}";

  # Exactly one definition is allowed; `merge` then combines it (e.g. to check inside).
  mergeUniqueOption =
    {
      message,
      merge ? _: defs: (b.head defs).value,
    }:
    loc: defs:
    if b.length defs == 1 then
      merge loc defs
    else
      assert b.length defs > 1;
      throw "The option `${showOption loc}' is defined multiple times while it's expected to be unique.\n${message}\nDefinition values:${showDefs defs}\n${priorityHint}";

  mergeOneOption = mergeUniqueOption { message = ""; };

  # All definitions must be equal; the first two that differ are reported.
  mergeEqualOption =
    loc: defs:
    if defs == [ ] then
      abort "This case should never happen."
    else
      let
        first = b.head defs;
        clash = lib.lists.findFirst (d: d.value != first.value) null (b.tail defs);
      in
      if clash == null then
        first.value
      else
        throw "The option `${showOption loc}' has conflicting definition values:${showDefs [ first clash ]}\n${priorityHint}";

  getValues = map (d: d.value);
  getFiles = map (d: d.file);

  # --- documentation ---------------------------------------------------------------------

  # A flat list describing every option under `options` (sub-options of submodules included),
  # as the NixOS manual generator expects.
  optionAttrSetToDocList = optionAttrSetToDocList' [ ];
  optionAttrSetToDocList' =
    _: options:
    b.concatMap (
      opt:
      let
        name = showOption opt.loc;
        visible = opt.visible or true;
        type = opt.type or { };
        hasDefault =
          opt ? defaultText || opt ? default || (type.emptyValue or { }) ? value && type.getSubModules or null == null;
        doc =
          {
            loc = opt.loc;
            inherit name;
            description = opt.description or null;
            declarations = b.filter (f: f != unknownModule) opt.declarations;
            internal = opt.internal or false;
            visible = if b.isBool visible then visible else visible == "shallow";
            readOnly = opt.readOnly or false;
            type = type.description or "unspecified";
          }
          // lib.attrsets.optionalAttrs (opt ? example) { example = renderOptionValue opt.example; }
          // lib.attrsets.optionalAttrs hasDefault {
            default = renderOptionValue (opt.defaultText or opt.default or type.emptyValue.value);
          }
          // lib.attrsets.optionalAttrs (opt.relatedPackages or null != null) { inherit (opt) relatedPackages; };
        subs =
          let
            sub = type.getSubOptions or (_: { }) opt.loc;
          in
          if sub != { } then optionAttrSetToDocList' opt.loc sub else [ ];
        showSubs = if b.isBool visible then visible else visible == "transparent";
      in
      [ doc ] ++ lib.lists.optionals showSubs subs
    ) (lib.attrsets.collect isOption options);

  # Replace derivations by small stand-ins, so that option values can be shown cheaply.
  scrubOptionValue =
    x:
    if lib.attrsets.isDerivation x then
      {
        type = "derivation";
        drvPath = x.name;
        outPath = x.name;
        name = x.name;
      }
    else if b.isList x then
      map scrubOptionValue x
    else if b.isAttrs x then
      b.mapAttrs (_: scrubOptionValue) (b.removeAttrs x [ "_args" ])
    else
      x;

  # A literal* value as is; anything else as the literalExpression of its pretty form.
  renderOptionValue =
    v:
    if v ? _type && v ? text then
      v
    else
      literalExpression (
        lib.generators.toPretty {
          multiline = true;
          allowPrettyValues = true;
        } v
      );

  literalExpression =
    text:
    if !b.isString text then
      throw "literalExpression expects a string."
    else
      {
        _type = "literalExpression";
        inherit text;
      };
  literalExample = literalExpression;

  literalMD =
    text:
    if !b.isString text then
      throw "literalMD expects a string."
    else
      {
        _type = "literalMD";
        inherit text;
      };
  literalCode = _language: text: literalMD "```\n${text}\n```\n";

  # Descriptions are Markdown already; kept for modules that still call it.
  mdDoc = text: text;

  # --- rendering -------------------------------------------------------------------------

  # "a.b.c"; parts that are not identifiers are quoted, placeholders ("*", "<name>") not.
  showOption =
    parts:
    concatMapStringsSep "." (
      p: if p == "*" || b.match "<(.*)>" p != null then p else escapeNixIdentifier p
    ) parts;

  showFiles = files: concatStringsSep " and " (map (f: "`${f}'") files);

  # "\n- In `file': value" for each definition; values longer than five lines are cut.
  # A value that fails to evaluate is shown without its value.
  showDefs =
    defs:
    concatMapStrings (
      def:
      let
        pretty = b.tryEval (
          lib.generators.toPretty { } (
            lib.generators.withRecursion {
              depthLimit = 10;
              throwOnDepthLimit = false;
            } def.value
          )
        );
        lines = b.filter b.isString (b.split "\n" pretty.value);
        shown = concatStringsSep "\n    " (lib.lists.take 5 lines ++ lib.lists.optional (b.length lines > 5) "...");
        suffix =
          if !pretty.success then
            ""
          else if b.length lines > 1 then
            ":\n    " + shown
          else
            ": " + shown;
      in
      "\n- In `${def.file}'${suffix}"
    ) defs;

  showOptionWithDefLocs = opt: ''
    ${showOption opt.loc}, with values defined in:
    ${concatMapStringsSep "\n" (f: "  - ${f}") opt.files}
  '';
}

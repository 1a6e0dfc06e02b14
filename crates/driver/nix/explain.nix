# What `ntop explain FILE OPTION` reports about one option of a configuration: the
# declaration, every definition as written (its place, priority and mkIf conditions, and
# whether it counted), and the final value.
{ options, path }:

let
  lib = import <nixpkgs/lib>;
  b = builtins;
  opt = lib.attrByPath path null options;
  isOption = v: b.isAttrs v && (v._type or null) == "option";
  defaultPriority = lib.modules.defaultOverridePriority or 100;

  # A value on one line, cut short; a value that throws says so instead.
  show =
    v:
    let
      shown = b.tryEval (
        lib.generators.toPretty { multiline = false; } (
          lib.generators.withRecursion {
            depthLimit = 6;
            throwOnDepthLimit = false;
          } v
        )
      );
      text = if shown.success then shown.value else "«throws»";
    in
    if b.stringLength text > 120 then b.substring 0 117 text + "..." else text;

  where =
    def:
    let
      pos = def.pos or null;
    in
    if pos != null && pos.line or null != null then
      "${toString pos.file}:${toString pos.line}:${toString pos.column}"
    else
      toString def.file;

  # The pieces a definition as written stands for, as the module system takes it apart:
  # mkMerge splits it, each mkIf adds a condition, and the first mkOverride met fixes the
  # priority of what it wraps (properties inside an mkOverride are not looked at).
  pieces =
    conditions: v:
    let
      kind = if b.isAttrs v then v._type or null else null;
    in
    if kind == "merge" then
      b.concatMap (pieces conditions) v.contents
    else if kind == "if" then
      pieces (conditions ++ [ v.condition ]) v.content
    else if kind == "override" then
      [
        {
          inherit conditions;
          inherit (v) priority;
          value = v.content;
        }
      ]
    else
      [
        {
          inherit conditions;
          priority = defaultPriority;
          value = v;
        }
      ];

  # How the conditions of a piece turned out: the first one that is not true decides.
  outcome =
    conditions:
    b.foldl' (
      acc: c:
      if acc != "true" then
        acc
      else if !b.isBool c then
        "not a Boolean"
      else if c then
        "true"
      else
        "false"
    ) "true" conditions;

  describe =
    isDefault: def:
    map (
      piece:
      let
        decided = outcome piece.conditions;
      in
      {
        where = where def;
        kind = if isDefault then "default" else "definition";
        inherit (piece) priority;
        conditions = b.length piece.conditions;
        condition = decided;
        status =
          if decided != "true" then
            "discarded"
          else if opt.isDefined && piece.priority == opt.highestPrio then
            "used"
          else
            "overridden";
        value = show piece.value;
      }
    ) (pieces [ ] def.value);

  asWritten = opt ? definitionsAsWritten;
  written =
    if asWritten then
      lib.lists.imap0 (i: def: describe (opt ? default && i == 0) def) opt.definitionsAsWritten
    else
      map (def: [
        {
          where = where def;
          kind = "definition";
          priority = opt.highestPrio;
          conditions = 0;
          condition = "true";
          status = "used";
          value = show def.value;
        }
      ]) (opt.definitionsWithLocations or [ ]);
  # For a path that names no option: how much of it exists, and what could follow there.
  missing =
    let
      walk =
        known: set: rest:
        if rest == [ ] || !b.isAttrs set || isOption set || !(set ? ${b.head rest}) then
          {
            inherit known;
            next = if rest == [ ] then null else b.head rest;
            names = if b.isAttrs set && !isOption set then b.attrNames set else [ ];
          }
        else
          walk (known ++ [ (b.head rest) ]) set.${b.head rest} (b.tail rest);
    in
    walk [ ] options path;
in
if !isOption opt then
  { inherit missing; }
else
  {
    declarations =
      if opt ? declarationPositions && opt.declarationPositions != [ ] then
        map (p: "${toString p.file}:${toString p.line}:${toString p.column}") opt.declarationPositions
      else
        map toString opt.declarations;
    type = opt.type.description or opt.type.name;
    default = if opt ? default then show opt.default else null;
    description = opt.description or null;
    # Without `definitionsAsWritten` (another module library) only the definitions that
    # counted are known, already stripped of their properties.
    complete = asWritten;
    definitions = b.concatLists written;
    highestPrio = if opt.isDefined then opt.highestPrio else null;
    value = if opt.isDefined then show opt.value else null;
  }

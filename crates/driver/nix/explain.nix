# What `ntop explain FILE OPTION` reports about one option of a configuration: the
# declaration, every definition as written (its place, priority and mkIf conditions, and
# whether it counted), and the final value. Options inside submodules (`users.users.bob.uid`,
# `systemd.services.<name>.script`) are reached by evaluating the submodule the definitions
# make at that name, as the module system itself does.
{ options, path }:

let
  lib = import <nixpkgs/lib>;
  b = builtins;
  isOption = v: b.isAttrs v && (v._type or null) == "option";
  defaultPriority = lib.modules.defaultOverridePriority or 100;

  # The module-system properties, named as modules write them.
  overrideName =
    p:
    {
      "10" = "mkVMOverride";
      "50" = "mkForce";
      "1000" = "mkDefault";
      "1500" = "mkOptionDefault";
    }
    .${toString p} or "mkOverride ${toString p}";
  orderName =
    p:
    {
      "500" = "mkBefore";
      "1500" = "mkAfter";
    }
    .${toString p} or "mkOrder ${toString p}";
  isProperty =
    v:
    b.isAttrs v
    && b.elem (v._type or null) [
      "override"
      "if"
      "merge"
      "order"
    ];

  # A value on one line as it was written: properties (`mkForce 1`, `mkIf true …`,
  # `mkBefore [ … ]`) as calls, never as the attribute sets the module system makes of them;
  # six levels deep at most. Leaves are printed by the library's `toPretty`.
  render =
    depth: v:
    let
      inner = render (depth + 1);
      argument = x: if isProperty x then "(${inner x})" else inner x;
      kind = v._type or null;
    in
    if depth > 6 then
      "…"
    else if b.isAttrs v && kind == "override" then
      "${overrideName v.priority} ${argument v.content}"
    else if b.isAttrs v && kind == "order" then
      "${orderName v.priority} ${argument v.content}"
    else if b.isAttrs v && kind == "if" then
      "mkIf ${argument v.condition} ${argument v.content}"
    else if b.isAttrs v && kind == "merge" then
      "mkMerge ${inner v.contents}"
    else if b.isList v && v != [ ] then
      "[ ${b.concatStringsSep " " (map argument v)} ]"
    else if b.isAttrs v && v != { } && v.type or null != "derivation" then
      "{ ${
        b.concatStringsSep " " (
          lib.attrsets.mapAttrsToList (k: x: "${lib.strings.escapeNixIdentifier k} = ${inner x};") v
        )
      } }"
    else
      lib.generators.toPretty { multiline = false; } v;

  # That value cut short; a value that throws says so instead.
  show =
    v:
    let
      shown = b.tryEval (render 0 v);
      text = if shown.success then shown.value else "«throws»";
    in
    if b.stringLength text > 120 then b.substring 0 117 text + "..." else text;

  # The sub-options of the value at `loc` of an option of type `type` with the definitions
  # `defs` ({ file, value }, properties already resolved), entered along `rest`:
  # { consumed, rest, options } (`consumed`: the names of attrsOf entries passed on the way),
  # { names } when `rest` names an entry nothing defines, or null when the type holds no
  # submodules there.
  enter =
    loc: type: defs: rest:
    let
      elemType = type.nestedTypes.elemType or null;
      name = b.head rest;
      # Each definition's entry `name`, as attrsOf's merge splits them (the definitions of an
      # option carry no properties any more at their top).
      entries = b.concatMap (
        def: if b.isAttrs def.value && def.value ? ${name} then [ (def // { value = def.value.${name}; }) ] else [ ]
      ) defs;
      entryDefs = (lib.modules.mergeDefinitions (loc ++ [ name ]) elemType entries).defsFinal;
      below = enter (loc ++ [ name ]) elemType entryDefs (b.tail rest);
    in
    if type.name == "submodule" then
      {
        consumed = [ ];
        inherit rest;
        options = instance loc type defs;
      }
    else if b.elem type.name [ "attrsOf" "lazyAttrsOf" ] && elemType != null && rest != [ ] then
      if entries == [ ] then
        {
          names = b.sort b.lessThan (lib.lists.unique (b.concatMap (def: if b.isAttrs def.value then b.attrNames def.value else [ ]) defs));
        }
      else if below == null || below ? names then
        below
      else
        below // { consumed = [ name ] ++ below.consumed; }
    else if type.name == "nullOr" && elemType != null then
      enter loc elemType (b.filter (def: def.value != null) defs) rest
    else
      null;

  # The options of the submodule (of type `type`) made at `loc` by `defs`.
  instance =
    loc: type: defs:
    let
      payload = type.functor.payload or { };
      asModule =
        { file, value, ... }:
        if b.isAttrs value && payload.shorthandOnlyDefinesConfig or false then
          {
            _file = file;
            config = value;
          }
        else
          {
            _file = file;
            imports = [ value ];
          };
    in
    (lib.modules.evalModules (
      {
        modules = [ { _module.args.name = lib.lists.last loc; } ] ++ type.getSubModules ++ map asModule defs;
        prefix = loc;
        specialArgs = payload.specialArgs or { };
      }
      // lib.attrsets.optionalAttrs (payload.class or null != null) { inherit (payload) class; }
    )).options;

  # Where `path` leads: { option } or, for a path that names no option, { missing }: how much
  # of it exists, and what could follow there.
  find =
    known: set: rest:
    let
      miss = names: {
        missing = {
          inherit known names;
          next = if rest == [ ] then null else b.head rest;
        };
      };
      inside = enter (set.loc or known) set.type (set.definitionsWithLocations or [ ]) rest;
    in
    if isOption set then
      if rest == [ ] then
        { option = set; }
      else if inside == null then
        miss [ ]
      else if inside ? names then
        miss inside.names
      else
        find (known ++ inside.consumed) inside.options inside.rest
    else if rest != [ ] && b.isAttrs set && set ? ${b.head rest} then
      find (known ++ [ (b.head rest) ]) set.${b.head rest} (b.tail rest)
    else
      miss (if b.isAttrs set then b.attrNames set else [ ]);

  found = find [ ] options path;
  opt = found.option;

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
    else if kind == "order" then
      [
        {
          inherit conditions;
          priority = defaultPriority;
          order = orderName v.priority;
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
        order = piece.order or null;
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
          order = null;
          conditions = 0;
          condition = "true";
          status = "used";
          value = show def.value;
        }
      ]) (opt.definitionsWithLocations or [ ]);
in
if found ? missing then
  { inherit (found) missing; }
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

# What `ntop explain FILE OPTION` reports about one option of a configuration: the
# declaration, every definition with its file and priority, and the final value.
{ options, path }:

let
  lib = import <nixpkgs/lib>;
  opt = lib.attrByPath path null options;
  isOption = v: builtins.isAttrs v && (v._type or null) == "option";
  # A definition as written: its file, and what mkOverride/mkIf around it say.
  describe = def:
    let
      v = def.value;
      kind = if builtins.isAttrs v then v._type or null else null;
    in {
      file = toString def.file;
      # The module system may already have discharged the wrapper; then only the winning
      # priority (highestPrio) is known.
      priority = if kind == "override" then v.priority else null;
      condition = if kind == "if" then v.condition else null;
      value = if kind == "override" then v.content else if kind == "if" then v.content else v;
    };
in
if !isOption opt then throw "no option `${lib.concatStringsSep "." path}' in this configuration"
else {
  declarations =
    if opt ? declarationPositions && opt.declarationPositions != [ ]
    then map (p: "${toString p.file}:${toString p.line}:${toString p.column}") opt.declarationPositions
    else map toString opt.declarations;
  type = opt.type.description or opt.type.name;
  default = if opt ? default then { value = opt.default; } else null;
  description = opt.description or null;
  definitions = map describe (opt.definitionsWithLocations or [ ]);
  highestPrio = opt.highestPrio or null;
  isDefined = opt.isDefined;
  value = if opt.isDefined then { inherit (opt) value; } else null;
}

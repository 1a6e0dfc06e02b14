# Rendering Nix values as text: Nix-like pretty printing (used by error messages), JSON,
# and simple key=value / INI formats.
{ lib }:
let
  b = builtins;
  inherit (lib.strings) escapeNixIdentifier concatMapStringsSep escape;
in
rec {
  # Show `v` as Nix-like text. With `multiline` (the default) sets and lists get one entry
  # per line; functions show their formal arguments; derivations show as <derivation name>.
  # With `allowPrettyValues`, a set { __pretty, val } is shown as `__pretty val`.
  toPretty =
    {
      allowPrettyValues ? false,
      multiline ? true,
      indent ? "",
    }:
    let
      render =
        ind: v:
        let
          open = if multiline then "\n${ind}  " else " ";
          close = if multiline then "\n${ind}" else " ";
          inner = render (ind + "  ");
        in
        if b.isInt v then
          toString v
        else if b.isFloat v then
          b.toJSON v
        else if b.isString v then
          renderString open close v
        else if v == true then
          "true"
        else if v == false then
          "false"
        else if v == null then
          "null"
        else if b.isPath v then
          toString v
        else if b.isList v then
          (if v == [ ] then "[ ]" else "[" + open + b.concatStringsSep open (map inner v) + close + "]")
        else if b.isFunction v then
          renderFunction v
        else if b.isAttrs v then
          (
            if allowPrettyValues && v ? __pretty && v ? val then
              v.__pretty v.val
            else if v == { } then
              "{ }"
            else if v.type or null == "derivation" then
              "<derivation ${v.name or "???"}>"
            else
              "{"
              + open
              + b.concatStringsSep open (
                lib.attrsets.mapAttrsToList (
                  k: x:
                  "${escapeNixIdentifier k} = ${
                    b.addErrorContext "while evaluating an attribute `${k}`" (inner x)
                  };"
                ) v
              )
              + close
              + "}"
          )
        else
          abort "generators.toPretty: unexpected value of type ${b.typeOf v}";

      renderString =
        open: close: s:
        let
          lines = b.filter b.isString (b.split "\n" s);
          quoted = "\"" + b.concatStringsSep "\\n" (map (escape [ "\\" "\"" "\${" ]) lines) + "\"";
          indented =
            let
              ls = map (b.replaceStrings [ "\${" "''" ] [ "''\${" "'''" ]) lines;
              final = lib.lists.last ls;
            in
            "''"
            + open
            + b.concatStringsSep open (lib.lists.init ls)
            + (if final == "" then close else open + final)
            + "''";
        in
        if multiline && b.length lines > 1 then indented else quoted;

      renderFunction =
        f:
        let
          args = lib.trivial.functionArgs f;
          shown = b.concatStringsSep ", " (
            lib.attrsets.mapAttrsToList (k: optional: if optional then k + "?" else k) args
          );
        in
        if args == { } then "<function>" else "<function, args: {${shown}}>";
    in
    render indent;

  # Replace what lies deeper than `depthLimit` by "<unevaluated>" (or throw).
  withRecursion =
    {
      depthLimit,
      throwOnDepthLimit ? true,
    }:
    assert b.isInt depthLimit;
    let
      special = [ "__functor" "__functionArgs" "__toString" "__pretty" ];
      limit =
        depth: x:
        if depthLimit != null && depth > depthLimit then
          (
            if throwOnDepthLimit then
              throw "Exceeded maximum eval-depth limit of ${toString depthLimit} while trying to evaluate with `generators.withRecursion'!"
            else
              "<unevaluated>"
          )
        else
          x;
      walk =
        depth: v:
        let
          next = x: walk (depth + 1) (limit (depth + 1) x);
        in
        if b.isAttrs v then
          b.mapAttrs (k: x: if b.elem k special then x else next x) v
        else if b.isList v then
          map next v
        else
          v;
    in
    walk 0;

  toJSON = { }: b.toJSON;
  toYAML = { }: b.toJSON;

  mkValueStringDefault =
    { }:
    v:
    if b.isInt v || b.isFloat v || b.isString v || b.isPath v then
      toString v
    else if b.isBool v then
      lib.trivial.boolToString v
    else if v == null then
      "null"
    else if b.isAttrs v && v ? outPath then
      v.outPath
    else
      abort "generators.mkValueStringDefault: ${b.typeOf v} not supported: ${toPretty { } v}";

  mkKeyValueDefault =
    {
      mkValueString ? mkValueStringDefault { },
    }:
    sep: k: v:
    "${escape [ sep ] k}${sep}${mkValueString v}";

  toKeyValue =
    {
      mkKeyValue ? mkKeyValueDefault { } "=",
      listsAsDuplicateKeys ? false,
      indent ? "",
    }:
    set:
    let
      line = k: v: indent + mkKeyValue k v + "\n";
      entry = k: v: if listsAsDuplicateKeys && b.isList v then lib.strings.concatMapStrings (line k) v else line k v;
    in
    b.concatStringsSep "" (lib.attrsets.mapAttrsToList entry set);

  toINI =
    {
      mkSectionName ? (n: escape [ "[" "]" ] n),
      mkKeyValue ? mkKeyValueDefault { } "=",
      listsAsDuplicateKeys ? false,
    }:
    sections:
    b.concatStringsSep "\n" (
      lib.attrsets.mapAttrsToList (
        name: body: "[${mkSectionName name}]\n" + toKeyValue { inherit mkKeyValue listsAsDuplicateKeys; } body
      ) sections
    );
}

# Building package sets: calling package functions with automatic arguments, making their
# results overridable, and decorating derivations.
{ lib }:
let
  b = builtins;
  inherit (lib.trivial) functionArgs setFunctionArgs mirrorFunctionArgs isFunction;
  inherit (lib.attrsets) isDerivation;
in
rec {
  # Call `f args` and attach `override` (new arguments, or a function of the old ones) and
  # `overrideDerivation` to the result. The overriders keep `f`'s formal arguments.
  makeOverridable =
    f:
    let
      withArgsOf = mirrorFunctionArgs f;
      call =
        args:
        let
          result = f args;
          override = withArgsOf (
            changes: makeOverridable f (args // (if isFunction changes then changes args else changes))
          );
        in
        if b.isAttrs result then
          result
          // {
            inherit override;
            overrideDerivation = fdrv: makeOverridable (withArgsOf (a: overrideDerivation (f a) fdrv)) args;
          }
          // lib.attrsets.optionalAttrs (result ? overrideAttrs) {
            overrideAttrs = fdrv: makeOverridable (withArgsOf (a: (f a).overrideAttrs fdrv)) args;
          }
        else if isFunction result then
          setFunctionArgs result (functionArgs result) // { inherit override; }
        else
          result;
    in
    if b.isAttrs f then
      f
      // withArgsOf call
      // lib.attrsets.optionalAttrs (f ? override) { override = x: makeOverridable (f.override x); }
    else
      withArgsOf call;

  # Rebuild `drv` with its derivation attributes changed by `f`.
  overrideDerivation =
    drv: f:
    let
      extra = {
        meta = drv.meta or { };
        passthru = drv.passthru or { };
      } // (drv.passthru or { });
    in
    extendDerivation (b.seq drv.drvPath true) extra (derivation (drv.drvAttrs // f drv));

  # Call the function `fn` (or the file it is in) with the arguments it names taken from
  # `autoArgs`, overridden by `args`; the result is overridable.
  callPackageWith =
    autoArgs: fn: args:
    let
      f = if isFunction fn then fn else import fn;
      formals = functionArgs f;
      given = b.intersectAttrs formals autoArgs // args;
      missing = lib.attrsets.filterAttrs (_: hasDefault: !hasDefault) (b.removeAttrs formals (b.attrNames given));
    in
    if missing == { } then
      makeOverridable f given
    else
      let
        arg = b.head (b.attrNames missing);
        pos = b.unsafeGetAttrPos arg formals;
        where = if pos == null then "<unknown location>" else "${pos.file}:${toString pos.line}";
        near = lib.lists.take 3 (
          lib.lists.sortOn (lib.strings.levenshtein arg) (
            b.filter (lib.strings.levenshteinAtMost 2 arg) (b.attrNames (autoArgs // args))
          )
        );
        quoted = map (n: "\"${n}\"") near;
        hint =
          if quoted == [ ] then
            ""
          else if b.length quoted == 1 then
            ", did you mean ${b.head quoted}?"
          else
            ", did you mean ${b.concatStringsSep ", " (lib.lists.init quoted)} or ${lib.lists.last quoted}?";
      in
      abort "lib.customisation.callPackageWith: Function called without required argument \"${arg}\" at ${where}${hint}";

  # Like callPackageWith for a function returning several packages: each is overridable.
  callPackagesWith =
    autoArgs: fn: args:
    let
      f = if isFunction fn then fn else import fn;
      withArgsOf = mirrorFunctionArgs f;
      args0 = b.intersectAttrs (functionArgs f) autoArgs // args;
      pkgs = f args0;
    in
    if isDerivation pkgs then
      throw (
        "function `callPackages` was called on a *single* derivation "
        + "\"${pkgs.name or "<unknown-name>"}\";"
        + " did you mean to use `callPackage` instead?"
      )
    else
      b.mapAttrs (name: _: makeOverridable (withArgsOf (a: (f a).${name})) args0) pkgs;

  # Add `passthru` to `drv` (and to each of its outputs); its paths are only available
  # when `condition` holds.
  extendDerivation =
    condition: passthru: drv:
    let
      outputNames = drv.outputs or [ "out" ];
      guarded = x: assert condition; x;
      outputs = b.listToAttrs (
        map (o: {
          name = o;
          value =
            common
            // {
              inherit (drv.${o}) type outputName;
              outputSpecified = true;
              drvPath = guarded drv.${o}.drvPath;
              outPath = guarded drv.${o}.outPath;
            }
            // lib.attrsets.optionalAttrs (passthru ? overrideAttrs) {
              overrideAttrs = f: (passthru.overrideAttrs f).${o};
            };
        }) outputNames
      );
      common =
        drv
        // outputs
        // { all = map (o: outputs.${o}) outputNames; }
        // passthru
        // {
          drvPath = guarded drv.drvPath;
          outPath = guarded drv.outPath;
        };
    in
    common;

  # Strip a derivation down to what Hydra needs, forcing it deeply.
  hydraJob =
    drv:
    if drv == null then
      null
    else
      let
        outputNames = drv.outputs or [ "out" ];
        base =
          {
            inherit (drv) name system meta;
            outputs = outputNames;
          }
          // lib.attrsets.optionalAttrs (drv._hydraAggregate or false) {
            _hydraAggregate = true;
            constituents = map hydraJob (lib.lists.flatten drv.constituents);
          }
          // perOutput;
        perOutput = b.listToAttrs (
          map (o: {
            name = o;
            value = base // {
              inherit (drv.${o}) outPath drvPath;
              type = "derivation";
              outputName = o;
            };
          }) outputNames
        );
        first = perOutput.${b.head outputNames};
      in
      b.deepSeq first first;

  # A package scope: `callPackage` resolves arguments in the scope itself first.
  makeScope =
    newScope: f:
    let
      self = f self // {
        newScope = scope: newScope (self // scope);
        callPackage = self.newScope { };
        overrideScope = g: makeScope newScope (lib.fixedPoints.extends g f);
        packages = f;
      };
    in
    self;
}

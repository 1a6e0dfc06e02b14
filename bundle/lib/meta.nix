# Helpers for the `meta` attributes and names of derivations.
{ lib }:
let
  b = builtins;
in
rec {
  addMetaAttrs = extra: drv: drv // { meta = (drv.meta or { }) // extra; };
  dontDistribute = drv: addMetaAttrs { hydraPlatforms = [ ]; } drv;

  setName = name: drv: drv // { inherit name; };
  updateName = f: drv: drv // { name = f drv.name; };
  appendToName =
    suffix:
    updateName (
      name:
      let
        p = b.parseDrvName name;
      in
      "${p.name}-${suffix}" + (if p.version == "" then "" else "-${p.version}")
    );

  mapDerivationAttrset = f: set: lib.attrsets.mapAttrs (_: v: if lib.attrsets.isDerivation v then f v else v) set;

  defaultPriority = 5;
  setPrio = priority: addMetaAttrs { inherit priority; };
  lowPrio = setPrio 10;
  hiPrio = setPrio (-10);
  lowPrioSet = mapDerivationAttrset lowPrio;
  hiPrioSet = mapDerivationAttrset hiPrio;

  # The main program of a package: meta.mainProgram, else its name without version.
  getExe =
    x:
    getExe' x (
      x.meta.mainProgram or (lib.trivial.warn "getExe: Package ${
        lib.strings.escapeNixIdentifier x.meta.name or x.pname or x.name
      } does not have the meta.mainProgram attribute. We'll assume that the main program has the same name for now, but this behavior is deprecated, because it leads to surprising errors when the assumption does not hold. If the package has a main program, please set `meta.mainProgram` in its definition to make this warning go away. Otherwise, if the package does not have a main program, or if you don't control its definition, use getExe' to specify the name to the program, such as lib.getExe' foo \"bar\"." (lib.strings.getName x))
    );
  getExe' =
    x: program:
    assert lib.asserts.assertMsg (lib.attrsets.isDerivation x) "lib.meta.getExe': The first argument is of type ${b.typeOf x}, but it should be a derivation.";
    "${lib.attrsets.getBin x}/bin/${program}";

  platformMatch = platform: elem: if b.isString elem then platform.system or platform == elem else lib.attrsets.matchAttrs elem platform;
  availableOn =
    platform: pkg:
    (!(pkg ? meta.platforms) || b.any (platformMatch platform) pkg.meta.platforms)
    && !(b.any (platformMatch platform) (pkg.meta.badPlatforms or [ ]));
}

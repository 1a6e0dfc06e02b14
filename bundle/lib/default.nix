# ntop's bundled library: the interface of nixpkgs' `lib`, written for ntop.
#
# Each file takes { lib } and returns one sub-library; they are tied together here through
# a fixed point, so every file sees the whole (and extended) library as `lib`. The
# sub-libraries are reachable by name (lib.strings.hasPrefix) and their common functions
# also at the top (lib.hasPrefix), as in nixpkgs.
let
  # The library as a function of itself, before `extend` is attached.
  build =
    self:
    let
      sub = file: import file { lib = self; };
    in
    {
      trivial = sub ./trivial.nix;
      fixedPoints = sub ./fixed-points.nix;
      attrsets = sub ./attrsets.nix;
      lists = sub ./lists.nix;
      strings = sub ./strings.nix;
      customisation = sub ./customisation.nix;
      debug = sub ./debug.nix;
      asserts = sub ./asserts.nix;
      generators = sub ./generators.nix;
      modules = sub ./modules.nix;
      options = sub ./options.nix;
      types = sub ./types.nix;
      versions = sub ./versions.nix;
      meta = sub ./meta.nix;
      systems = sub ./systems.nix;
      licenses = sub ./licenses.nix;
      stringsWithDeps = sub ./strings-with-deps.nix;
      filesystem = sub ./filesystem.nix;
      sources = sub ./sources.nix;
      maintainers = { };
      teams = { };
      platforms = self.systems.doubles;
    }
    // import ./flat.nix self;

  lib =
    let
      self = build self // {
        extend = f: lib.fixedPoints.makeExtensible (lib.fixedPoints.extends f build);
      };
    in
    self;
in
lib

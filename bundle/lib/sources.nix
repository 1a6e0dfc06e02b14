# Source trees filtered before they are copied to the store.
{ lib }:
let
  b = builtins;
  inherit (lib.strings) hasSuffix hasPrefix;
in
rec {
  # Keeps everything but version-control directories, editor backups, object files,
  # `result*` symlinks and special files.
  cleanSourceFilter =
    name: type:
    let
      base = baseNameOf name;
      vcsDir = b.elem base [ ".svn" "CVS" ".hg" ".jj" ".pijul" "_darcs" ];
    in
    !(
      base == ".git"
      || (type == "directory" && vcsDir)
      || hasSuffix "~" base
      || b.match "^\\.sw[a-z]$" base != null
      || b.match "^\\..*\\.sw[a-z]$" base != null
      || hasSuffix ".o" base
      || hasSuffix ".so" base
      || (type == "symlink" && hasPrefix "result" base)
      || type == "unknown"
    );

  # `src` (a path, or the result of an earlier cleanSourceWith) with `filter` applied too.
  cleanSourceWith =
    {
      src,
      filter ? _: _: true,
      name ? null,
    }:
    let
      origin = src.origSrc or src;
      previous = src.filter or (_: _: true);
      both = path: type: filter path type && previous path type;
      finalName = if name != null then name else src.name or "source";
    in
    {
      _isLibCleanSourceWith = true;
      origSrc = origin;
      filter = both;
      name = finalName;
      outPath = b.path {
        path = origin;
        name = finalName;
        filter = both;
      };
    };

  cleanSource =
    src:
    cleanSourceWith {
      filter = cleanSourceFilter;
      inherit src;
    };

  # Keep the files whose path relative to `src` matches one of `regexes` (and the
  # directories on the way to them).
  sourceByRegex =
    src: regexes:
    let
      root = toString (src.origSrc or src);
    in
    cleanSourceWith {
      inherit src;
      filter =
        path: type:
        let
          rel = lib.strings.removePrefix (root + "/") (toString path);
        in
        b.any (re: b.match re rel != null) regexes;
    };

  sourceFilesBySuffices =
    src: suffixes:
    cleanSourceWith {
      inherit src;
      filter = path: type: type == "directory" || b.any (s: hasSuffix s (baseNameOf path)) suffixes;
    };

  canCleanSource = src: src ? _isLibCleanSourceWith || !(b.isString src) && b.isPath src;

  pathIsGitRepo = path: b.pathExists (toString path + "/.git");
}

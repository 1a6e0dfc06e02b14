# Attribute-set functions: paths into nested sets, mapping, filtering, zipping, merging,
# and the helpers for derivations and their outputs.
{ lib }:
let
  b = builtins;
  inherit (b)
    attrNames
    attrValues
    mapAttrs
    listToAttrs
    isAttrs
    length
    elemAt
    head
    filter
    ;
  inherit (lib.strings) concatMapStringsSep escapeNixIdentifier sanitizeDerivationName;
in
rec {
  inherit (b)
    attrNames
    attrValues
    mapAttrs
    listToAttrs
    hasAttr
    getAttr
    isAttrs
    intersectAttrs
    removeAttrs
    catAttrs
    ;

  # --- paths -----------------------------------------------------------------------------

  # The value at `path` inside `set`, or `default` where the path stops existing.
  attrByPath =
    path: default: set:
    let
      n = length path;
      walk =
        i: v:
        if i == n then
          v
        else
          let
            k = elemAt path i;
          in
          if v ? ${k} then walk (i + 1) v.${k} else default;
    in
    walk 0 set;

  hasAttrByPath =
    path: set:
    let
      n = length path;
      walk =
        i: v:
        i == n
        || (
          let
            k = elemAt path i;
          in
          v ? ${k} && walk (i + 1) v.${k}
        );
    in
    walk 0 set;

  # The longest prefix of `path` that exists in `set`.
  longestValidPathPrefix =
    path: set:
    let
      n = length path;
      walk =
        i: v:
        if i == n then
          path
        else
          let
            k = elemAt path i;
          in
          if v ? ${k} then walk (i + 1) v.${k} else lib.lists.take i path;
    in
    walk 0 set;

  # A nested set holding `value` at `path`.
  setAttrByPath = path: value: lib.lists.foldr (k: inner: { ${k} = inner; }) value path;

  getAttrFromPath =
    path: set:
    attrByPath path (abort ("cannot find attribute '" + b.concatStringsSep "." path + "'")) set;

  # Apply a list of { path, update } to `value`. At each level the updates of deeper paths
  # are applied first, then those ending here, in list order. An update at a path that does
  # not exist yet receives no argument value (it must ignore it).
  updateManyAttrsByPath =
    let
      apply =
        depth: exists: value: updates:
        let
          here = filter (u: length u.path == depth) updates;
          deeper = filter (u: length u.path != depth) updates;
          byName = b.groupBy (u: elemAt u.path depth) deeper;
          base =
            if deeper == [ ] then
              (
                if exists then
                  value
                else
                  throw (
                    "updateManyAttrsByPath: Path '${showAttrPath (head here).path}' does "
                    + "not exist in the given value, but the first update to this "
                    + "path tries to access the existing value."
                  )
              )
            else if !exists then
              mapAttrs (_: apply (depth + 1) false null) byName
            else if isAttrs value then
              value // mapAttrs (name: apply (depth + 1) (value ? ${name}) value.${name}) byName
            else
              throw (
                "updateManyAttrsByPath: Path '${showAttrPath (head deeper).path}' needs to "
                + "be updated, but path '${showAttrPath (lib.lists.take depth (head deeper).path)}' "
                + "of the given value is not an attribute set, so we can't "
                + "update an attribute inside of it."
              );
        in
        lib.lists.foldl (acc: u: u.update acc) base here;
    in
    updates: value: apply 0 true value updates;

  # --- selecting -------------------------------------------------------------------------

  attrVals = names: set: map (k: set.${k}) names;
  getAttrs = names: set: genAttrs names (k: set.${k});

  filterAttrs =
    keep: set: b.removeAttrs set (filter (k: !keep k set.${k}) (attrNames set));

  # Like filterAttrs, and recursing into kept values that are sets.
  filterAttrsRecursive =
    keep: set:
    listToAttrs (
      b.concatMap (
        k:
        let
          v = set.${k};
        in
        if keep k v then [ (nameValuePair k (if isAttrs v then filterAttrsRecursive keep v else v)) ] else [ ]
      ) (attrNames set)
    );

  # The values, found by descending into sets, that satisfy `pred` (not looking inside them).
  collect =
    pred: v:
    if pred v then
      [ v ]
    else if isAttrs v then
      b.concatMap (collect pred) (attrValues v)
    else
      [ ];

  # --- folding ---------------------------------------------------------------------------

  foldlAttrs = f: init: set: b.foldl' (acc: k: f acc k set.${k}) init (attrNames set);

  # Combine the values of each name across a list of sets, right to left.
  foldAttrs =
    op: z: sets:
    lib.lists.foldr (
      set: acc: b.foldl' (acc': k: acc' // { ${k} = op set.${k} (acc'.${k} or z); }) acc (attrNames set)
    ) { } sets;

  # --- building --------------------------------------------------------------------------

  nameValuePair = name: value: { inherit name value; };

  mapAttrs' = f: set: listToAttrs (mapAttrsToList f set);
  mapAttrsToList = f: set: attrValues (mapAttrs f set);
  attrsToList = mapAttrsToList nameValuePair;
  concatMapAttrs = f: set: b.foldl' (acc: s: acc // s) { } (attrValues (mapAttrs f set));

  mapAttrsRecursive = mapAttrsRecursiveCond (_: true);

  # Map the leaves of a nested set; `descend` decides which sets count as inner nodes.
  # `f` receives the attribute path and the value.
  mapAttrsRecursiveCond =
    descend: f: set:
    let
      go =
        path:
        mapAttrs (
          k: v:
          let
            p = path ++ [ k ];
          in
          if isAttrs v && descend v then go p v else f p v
        );
    in
    go [ ] set;

  mapAttrsToListRecursive = mapAttrsToListRecursiveCond (_: _: true);
  mapAttrsToListRecursiveCond =
    descend: f: set:
    let
      go =
        path: s:
        b.concatMap (
          k:
          let
            p = path ++ [ k ];
            v = s.${k};
          in
          if isAttrs v && descend p v then go p v else [ (f p v) ]
        ) (attrNames s);
    in
    go [ ] set;

  genAttrs = names: f: listToAttrs (map (k: nameValuePair k (f k)) names);
  genAttrs' = xs: f: listToAttrs (map f xs);

  optionalAttrs = cond: set: if cond then set else { };

  # --- zipping ---------------------------------------------------------------------------

  zipAttrsWithNames =
    names: f: sets:
    listToAttrs (map (k: nameValuePair k (f k (b.catAttrs k sets))) names);
  zipAttrsWith = b.zipAttrsWith or (f: sets: zipAttrsWithNames (b.concatMap attrNames sets) f sets);
  zipAttrs = zipAttrsWith (_: vs: vs);

  cartesianProduct =
    lists:
    b.foldl' (acc: k: b.concatMap (partial: map (v: partial // { ${k} = v; }) lists.${k}) acc) [ { } ] (
      attrNames lists
    );
  cartesianProductOfSets = cartesianProduct;
  mapCartesianProduct = f: lists: map f (cartesianProduct lists);

  # --- merging ---------------------------------------------------------------------------

  mergeAttrsList = b.foldl' (acc: s: acc // s) { };

  # Merge `rhs` into `lhs` recursively, stopping where `stop path lhsValue rhsValue` holds
  # (there the right value wins).
  recursiveUpdateUntil =
    stop: lhs: rhs:
    let
      merge =
        path: l: r:
        l
        // r
        // mapAttrs (
          k: _:
          let
            p = path ++ [ k ];
          in
          if stop p l.${k} r.${k} then r.${k} else merge p l.${k} r.${k}
        ) (b.intersectAttrs l r);
    in
    merge [ ] lhs rhs;

  recursiveUpdate = recursiveUpdateUntil (_: l: r: !(isAttrs l && isAttrs r));

  # Whether `set` has every attribute of `pattern`, recursing into sets.
  matchAttrs =
    pattern: set:
    assert isAttrs pattern;
    b.all (
      k:
      set ? ${k}
      && (
        let
          want = pattern.${k};
          got = set.${k};
        in
        if isAttrs want then isAttrs got && matchAttrs want got else want == got
      )
    ) (attrNames pattern);

  overrideExisting = old: new: mapAttrs (k: v: new.${k} or v) old;

  unionOfDisjoint =
    x: y:
    let
      common = b.intersectAttrs x y;
      names = b.concatStringsSep " " (attrNames common);
    in
    x // y // mapAttrs (k: _: throw "unionOfDisjoint: collision on ${k}; complete list: ${names}") common;

  # --- display ---------------------------------------------------------------------------

  showAttrPath = path: if path == [ ] then "<root attribute path>" else concatMapStringsSep "." escapeNixIdentifier path;

  # --- derivations -----------------------------------------------------------------------

  isDerivation = v: v.type or null == "derivation";

  # A minimal derivation-like set for an existing store path.
  toDerivation =
    path:
    let
      p = b.storePath path;
      drv = {
        type = "derivation";
        name = sanitizeDerivationName (b.substring 33 (-1) (baseNameOf p));
        outPath = p;
        outputs = [ "out" ];
        out = drv;
        outputName = "out";
      };
    in
    drv;

  getOutput =
    output: pkg: if pkg.outputSpecified or false then pkg else pkg.${output} or pkg.out or pkg;
  getFirstOutput =
    candidates: pkg:
    let
      present = filter (o: pkg ? ${o}) candidates;
    in
    if pkg.outputSpecified or false || present == [ ] then pkg else pkg.${head present};
  getBin = getOutput "bin";
  getLib = getOutput "lib";
  getDev = getOutput "dev";
  getMan = getOutput "man";
  getStatic = getFirstOutput [ "static" "lib" "out" ];
  getInclude = getFirstOutput [ "include" "dev" "out" ];
  chooseDevOutputs = map getDev;

  recurseIntoAttrs = set: set // { recurseForDerivations = true; };
  dontRecurseIntoAttrs = set: set // { recurseForDerivations = false; };
}

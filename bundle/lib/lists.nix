# List functions. Most are thin wrappers over builtins; the rest are written with index
# arithmetic (`genList`, `elemAt`) rather than recursion on `tail`, so they stay linear.
{ lib }:
let
  b = builtins;
  inherit (b) length elemAt genList filter head tail;
in
rec {
  inherit (b)
    map
    filter
    length
    head
    tail
    elem
    elemAt
    genList
    concatLists
    concatMap
    isList
    sort
    partition
    all
    any
    ;

  singleton = x: [ x ];
  forEach = xs: f: map f xs;

  # --- folds -----------------------------------------------------------------------------

  # Right fold: foldr op z [ a b ] == op a (op b z).
  foldr =
    op: z: xs:
    let
      n = length xs;
      step = i: if i == n then z else op (elemAt xs i) (step (i + 1));
    in
    step 0;
  fold = foldr;

  # Left fold, lazy in the accumulator: foldl op z [ a b ] == op (op z a) b.
  foldl =
    op: z: xs:
    let
      step = i: if i < 0 then z else op (step (i - 1)) (elemAt xs i);
    in
    step (length xs - 1);

  # Strict left fold; the initial accumulator is forced too.
  foldl' = op: z: xs: b.seq z (b.foldl' op z xs);

  # --- indexed variants ------------------------------------------------------------------

  imap0 = f: xs: genList (i: f i (elemAt xs i)) (length xs);
  imap1 = f: xs: genList (i: f (i + 1) (elemAt xs i)) (length xs);

  ifilter0 =
    keep: xs:
    map (i: elemAt xs i) (filter (i: keep i (elemAt xs i)) (genList (i: i) (length xs)));

  # --- shape -----------------------------------------------------------------------------

  flatten = x: if b.isList x then concatMap flatten x else [ x ];

  remove = e: filter (x: x != e);

  toList = x: if b.isList x then x else [ x ];

  optional = cond: x: if cond then [ x ] else [ ];
  optionals = cond: xs: if cond then xs else [ ];

  range = first: last: if first > last then [ ] else genList (i: first + i) (last - first + 1);

  replicate = n: x: genList (_: x) n;

  reverseList =
    xs:
    let
      n = length xs;
    in
    genList (i: elemAt xs (n - 1 - i)) n;

  # --- searching -------------------------------------------------------------------------

  # The index of the first element satisfying `pred`, or `default`. Elements after the
  # first match are never examined.
  findFirstIndex =
    pred: default: xs:
    let
      n = length xs;
      search = i: if i == n then default else if pred (elemAt xs i) then i else search (i + 1);
    in
    search 0;

  findFirst =
    pred: default: xs:
    let
      i = findFirstIndex pred null xs;
    in
    if i == null then default else elemAt xs i;

  # The only element satisfying `pred`; `default` if none does, `multiple` if several do.
  findSingle =
    pred: default: multiple: xs:
    let
      hits = filter pred xs;
    in
    if hits == [ ] then
      default
    else if length hits == 1 then
      head hits
    else
      multiple;

  count = pred: b.foldl' (n: x: if pred x then n + 1 else n) 0;

  # --- grouping --------------------------------------------------------------------------

  groupBy = b.groupBy;
  groupBy' = op: z: key: xs: b.mapAttrs (_: foldl op z) (b.groupBy key xs);

  zipListsWith =
    f: xs: ys:
    genList (i: f (elemAt xs i) (elemAt ys i)) (lib.trivial.min (length xs) (length ys));

  zipLists = zipListsWith (fst: snd: { inherit fst snd; });

  # Every combination of one element from each list, passed to `f` in order.
  crossLists = f: b.foldl' (fs: xs: concatMap (g: map g xs) fs) [ f ];

  # --- ordering --------------------------------------------------------------------------

  # Sort by a key computed once per element.
  sortOn =
    key: xs:
    map (p: p.v) (
      b.sort (p: q: p.k < q.k) (
        map (v: {
          inherit v;
          k = key v;
        }) xs
      )
    );

  # Lexicographic comparison of two lists with an element comparison returning -1/0/1.
  compareLists =
    cmp: xs: ys:
    let
      nx = length xs;
      ny = length ys;
      walk =
        i:
        if i == nx then
          (if i == ny then 0 else -1)
        else if i == ny then
          1
        else
          let
            r = cmp (elemAt xs i) (elemAt ys i);
          in
          if r == 0 then walk (i + 1) else r;
    in
    walk 0;

  # Sort strings so that embedded numbers compare by value ("a2" before "a10").
  naturalSort =
    xs:
    let
      chunks = s: map (c: if b.isList c then b.fromJSON (head c) else c) (b.split "(0|[1-9][0-9]*)" s);
      keyed = map (s: {
        inherit s;
        k = chunks s;
      }) xs;
    in
    map (p: p.s) (b.sort (p: q: compareLists lib.trivial.compare p.k q.k < 0) keyed);

  # Depth-first search for an element with nothing `before` it, starting at the head.
  # Returns { minimal, visited, rest }, or with stopOnCycles { cycle, loops, visited, rest }
  # when an already visited element must come before the current one.
  listDfs =
    stopOnCycles: before: xs:
    let
      visit =
        current: seen: pending:
        let
          backEdges = filter (x: before x current) seen;
          preds = partition (x: before x current) pending;
        in
        if stopOnCycles && backEdges != [ ] then
          {
            cycle = current;
            loops = backEdges;
            visited = seen;
            rest = pending;
          }
        else if preds.right == [ ] then
          {
            minimal = current;
            visited = seen;
            rest = pending;
          }
        else
          visit (head preds.right) ([ current ] ++ seen) (tail preds.right ++ preds.wrong);
    in
    visit (head xs) [ ] (tail xs);

  # Topological sort by `before a b` (a must precede b): { result } or { cycle, loops }.
  toposort =
    before: xs:
    if length xs < 2 then
      { result = xs; }
    else
      let
        found = listDfs true before xs;
        others = toposort before (found.visited ++ found.rest);
      in
      if found ? cycle then
        {
          cycle = reverseList ([ found.cycle ] ++ found.visited);
          inherit (found) loops;
        }
      else if others ? cycle then
        others
      else
        { result = [ found.minimal ] ++ others.result; };

  # --- slicing ---------------------------------------------------------------------------

  sublist =
    start: n: xs:
    let
      len = length xs;
      size =
        if start >= len then
          0
        else if start + n > len then
          len - start
        else
          n;
    in
    genList (i: elemAt xs (start + i)) (if size < 0 then 0 else size);

  take = n: sublist 0 n;
  drop = n: xs: sublist n (length xs) xs;
  takeEnd = n: xs: drop (lib.trivial.max 0 (length xs - n)) xs;
  dropEnd = n: xs: take (lib.trivial.max 0 (length xs - n)) xs;

  hasPrefix = prefix: xs: take (length prefix) xs == prefix;
  removePrefix =
    prefix: xs:
    if hasPrefix prefix xs then
      drop (length prefix) xs
    else
      throw "lib.lists.removePrefix: First argument is not a list prefix of the second argument";

  # The longest list both start with.
  commonPrefix =
    xs: ys:
    let
      n = lib.trivial.min (length xs) (length ys);
    in
    take (findFirstIndex (i: elemAt xs i != elemAt ys i) n (genList (i: i) n)) xs;

  last =
    xs:
    assert lib.assertMsg (xs != [ ]) "lists.last: list must not be empty!";
    elemAt xs (length xs - 1);

  init =
    xs:
    assert lib.assertMsg (xs != [ ]) "lists.init: list must not be empty!";
    take (length xs - 1) xs;

  replaceElemAt =
    xs: idx: v:
    genList (i: if i == idx then v else elemAt xs i) (length xs);

  # --- sets of elements ------------------------------------------------------------------

  # Keep the first occurrence of each element.
  unique = b.foldl' (acc: x: if b.elem x acc then acc else acc ++ [ x ]) [ ];

  uniqueStrings = xs: b.attrNames (b.listToAttrs (map (name: { inherit name; value = null; }) xs));

  allUnique = xs: length (unique xs) == length xs;

  intersectLists = keep: filter (x: b.elem x keep);
  subtractLists = drop': filter (x: !b.elem x drop');

  mutuallyExclusive = xs: ys: xs == [ ] || !(b.any (y: b.elem y xs) ys);

  concatAttrValues = set: b.concatLists (b.attrValues set);
}

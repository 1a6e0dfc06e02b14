# Fixed points and overlays ("extensions": functions final: prev: { … }).
{ lib }:
rec {
  # The value x with x == f x, found lazily.
  fix =
    f:
    let
      self = f self;
    in
    self;

  # As fix, remembering `f` in `__unfix__`.
  fix' =
    f:
    let
      self = f self // { __unfix__ = f; };
    in
    self;

  # Apply `f` until the value stops changing.
  converge =
    f: x:
    let
      next = f x;
    in
    if next == x then x else converge f next;

  # Layer the overlay `ext` over the open recursive set `rattrs`.
  extends =
    ext: rattrs: final:
    let
      prev = rattrs final;
    in
    prev // ext final prev;

  # One overlay that applies `first`, then `second` on top of it.
  composeExtensions =
    first: second: final: prev:
    let
      fromFirst = first final prev;
    in
    fromFirst // second final (prev // fromFirst);

  composeManyExtensions = lib.lists.foldr composeExtensions (_: _: { });

  makeExtensible = makeExtensibleWithCustomName "extend";

  # fix' of `rattrs`, with an attribute `name` that takes an overlay and returns the
  # extended set (itself extensible again).
  makeExtensibleWithCustomName =
    name: rattrs:
    fix' (self: rattrs self // { ${name} = ext: makeExtensibleWithCustomName name (extends ext rattrs); });

  # Turn a set, a function of prev, or an overlay into an overlay.
  toExtension =
    v:
    if lib.trivial.isFunction v then
      final: prev:
      let
        applied = v prev;
      in
      if lib.trivial.isFunction applied then v final prev else applied
    else
      _: _: v;
}

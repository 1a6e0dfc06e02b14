{
  plain = x: y: x;
  ignored = _: _unused: 1;
  formals = { pkgs, lib, ... }: pkgs;
  # Selected through the `@` binding: used.
  viaAt = args@{ stdenv, ... }: args.stdenv;
  # `args` passed on whole may use every formal: none reported.
  forwarded = args@{ a, b }: builtins.attrNames args;
  # Only another name selected: `c` is unused.
  partly = args@{ c, ... }: args.d;
  unusedAt = whole@{ e }: e;
}

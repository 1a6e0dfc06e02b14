# Pieces of version strings ("1.2.3-rc1").
{ lib }:
let
  b = builtins;
  parts = v: b.splitVersion v;
  nth = n: v: b.elemAt (parts v) n;
in
{
  splitVersion = b.splitVersion;
  compareVersions = b.compareVersions;
  major = nth 0;
  minor = nth 1;
  patch = nth 2;
  # "1.2" from "1.2.3".
  majorMinor = v: b.concatStringsSep "." (lib.lists.take 2 (parts v));
  # The first `n` components joined by "."; at most as many as there are.
  pad =
    n: v:
    let
      ps = parts v;
      have = b.length ps;
    in
    b.concatStringsSep "." (lib.lists.take n ps ++ lib.lists.replicate (n - have) "0");
}

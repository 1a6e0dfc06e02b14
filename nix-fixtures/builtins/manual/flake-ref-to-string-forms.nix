# builtins.flakeRefToString (Nix 2.18+, experimental feature "flakes"): the URL form of each
# kind of input, as NixOS/nix's flakeref tests (src/libflake-tests/flakeref.cc) print them —
# indirect as "flake:id/ref/rev", git with "git+" before its URL's scheme and its Booleans as
# "=1", paths with "path:", query parameters sorted and percent-encoded ("path:/foo%20bar/baz?
# dir=bla%20space"), a tarball as its URL.
map builtins.flakeRefToString [
  { type = "indirect"; id = "nixpkgs"; }
  { type = "indirect"; id = "nixpkgs"; ref = "branch"; rev = "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"; }
  { type = "github"; owner = "NixOS"; repo = "nixpkgs"; rev = "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"; }
  { type = "gitlab"; owner = "owner%2Fsubgroup"; repo = "repoA"; ref = "branchC"; }
  { type = "git"; url = "https://somewhere.example/repo"; ref = "branch"; shallow = true; dir = "sub"; }
  { type = "git"; url = "git://somewhere/repo"; ref = "branch"; }
  { type = "path"; path = "/foo/bar"; revCount = 123; rev = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"; }
  { type = "path"; path = "/foo bar/baz"; dir = "bla space"; }
  { type = "tarball"; url = "https://example.org/a.tar.gz"; }
]

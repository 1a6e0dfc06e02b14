# flakeRefToString (parseFlakeRef s) gives the canonical form of s (NixOS/nix's flakeref tests
# check this round trip: "nixpkgs/branch" becomes "flake:nixpkgs/branch"; their
# to_string.doesntReencodeUrl test: "http://localhost:8181/test/+3d.tar.gz" is written back
# as "http://localhost:8181/test/%2B3d.tar.gz"; a bare path becomes "path:/foo/bar"; their
# GitArchiveInput and InputFromURL tests: a branch name may hold "#" (newer Nix checks branch
# names with libgit2, Git's rules), written back escaped; empty segments are dropped and
# escapes kept once decoded).
map (s: builtins.flakeRefToString (builtins.parseFlakeRef s)) [
  "nixpkgs/branch"
  "github:NixOS/nixpkgs/23.05?dir=lib"
  "git+https://somewhere.example/repo?ref=branch"
  "/foo/bar?revCount=123&rev=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  "/foo/bar"
  "http://localhost:8181/test/+3d.tar.gz"
  "github:foo/bar/branch%23"
  "github:foo/bar?ref=branch%23"
  "/foo bar/baz?dir=bla space"
  "github://////owner%42/////repo%41///branch%43////"
  "gitlab:/owner%252Fsubgroup/////repo%41///branch%43////"
  "git://somewhere/repo?ref=branch"
]

# builtins.parseFlakeRef (Nix 2.18+, experimental feature "flakes") of each form of flake
# reference the Nix manual's "Flake references" section lists: indirect ("nixpkgs",
# "nixpkgs/branch", "nixpkgs/branch/REV", "flake:…"), github:/gitlab:/sourcehut:
# (owner/repo[/ref-or-rev], ?ref=, ?rev=, ?host=), git+https:/git+file: (url without "git+",
# ?ref=, Boolean ?shallow=1), path: and absolute paths (?revCount= an integer), tarball URLs
# (http(s) URLs are tarballs; file+… is type "file"), and ?dir= in any of them. The expected
# values follow NixOS/nix's flakeref tests (src/libflake-tests/flakeref.cc): empty path
# segments are ignored, percent-escapes decoded once.
map builtins.parseFlakeRef [
  "nixpkgs"
  "nixpkgs/branch"
  "nixpkgs/branch/2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"
  "nixpkgs/2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"
  "flake:/nixpkgs///branch////"
  "github:NixOS/nixpkgs"
  "github:NixOS/nixpkgs/2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"
  "github:NixOS/nixpkgs?ref=release-23.05&host=github.example.org"
  "github://////owner%42/////repo%41///branch%43////"
  "gitlab:/owner%252Fsubgroup/////repo%41///branch%43////"
  "sourcehut:~user/repo/feature/x"
  "git+https://somewhere.example/repo?ref=branch&dir=sub"
  "git://somewhere/repo?ref=branch&shallow=1"
  "git+file:///home/user/src"
  "path:/foo/bar?revCount=123"
  "/foo bar/baz?dir=bla space"
  "https://example.org/a.tar.gz?narHash=sha256-47DEQpj8HBSa%2B/TImW%2B5JCeuQeRkm5NMpJWZG3hSuFU%3D"
  "tarball+https://example.org/archive"
  "file+https://example.org/data.txt"
]

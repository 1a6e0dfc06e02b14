# ntop's embedded default for <nixpkgs>: `import <nixpkgs> { }` is the package set below, and
# `<nixpkgs/nixos>` and `<nixpkgs/lib>` sit beside it as in a nixpkgs checkout.
import ./pkgs/top-level

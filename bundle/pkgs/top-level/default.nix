# The package set: what `import <nixpkgs> { }` gives under ntop's embedded default.
#
# Small on purpose. Everything builds with the build host's /bin/bash and its tools; the
# packages NixOS needs (coreutils, systemd, openssh, a kernel, ...) are stand-ins made from host
# binaries or placeholder files, described in docs/mini-nixos.md.
{ system ? builtins.currentSystem
, lib ? import ../../lib
  # Accepted for compatibility with nixpkgs' interface; this package set has no options.
, config ? { }
, ...
}:

let
  pkgs = import ./all-packages.nix { inherit lib system pkgs; };
in
pkgs

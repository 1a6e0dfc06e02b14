# ntop's standard environment: builds run the host's /bin/bash with the host's tools on PATH.
#
# `stdenv` is itself a derivation (its output holds `setup`), so that every package depends on
# exactly one copy of the setup script, as in nixpkgs.
{ lib, system }:

let
  shell = "/bin/bash";

  # Only these host directories are visible inside a sandboxed build, so only these are used.
  hostPath = "/usr/bin:/bin:/usr/sbin";

  # What the boot loader is handed, per platform (nixpkgs calls this `kernelTarget`).
  platforms = {
    "x86_64-linux" = { name = "pc"; kernelArch = "x86_64"; kernelTarget = "bzImage"; };
    "i686-linux" = { name = "pc"; kernelArch = "i386"; kernelTarget = "bzImage"; };
    "aarch64-linux" = { name = "aarch64-multiplatform"; kernelArch = "arm64"; kernelTarget = "Image"; };
  };

  platform = platforms.${system} or { name = system; kernelArch = system; kernelTarget = "vmlinux"; };

  setup = derivation {
    name = "stdenv-ntop";
    inherit system shell hostPath;
    builder = shell;
    args = [ "-e" ./make-stdenv.sh ];
    setupScript = ./setup.sh;
  };

  # Attributes that shape the result but are not handed to the builder.
  notForBuilder = [ "passthru" "meta" ];

  # As in nixpkgs, a derivation may bring its own `builder` script; it is run by the shell and
  # must `source $stdenv/setup` itself. Without one, the default builder runs genericBuild.
  mkDerivation = attrs:
    let
      name = attrs.name or "${attrs.pname}-${attrs.version}";
      drv = derivation (removeAttrs attrs notForBuilder // {
        inherit name system;
        builder = shell;
        args = [ "-e" (attrs.builder or ./default-builder.sh) ];
        stdenv = setup;
      });
    in
    drv // (attrs.passthru or { }) // { meta = attrs.meta or { }; };
in
{
  inherit mkDerivation shell platform system hostPath;
  # The setup derivation, for builders that want `source $stdenv/setup` themselves.
  inherit setup;
  outPath = setup.outPath;
  isLinux = lib.hasSuffix "-linux" system;
}

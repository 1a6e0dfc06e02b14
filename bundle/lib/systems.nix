# A small stand-in for nixpkgs' `lib.systems`: the system doubles ntop knows, and a minimal
# `elaborate` giving the attributes the bundled package set reads.
{ lib }:
let
  b = builtins;
  cpuOf = system: b.head (lib.strings.splitString "-" system);
  kernelOf = system: lib.lists.last (lib.strings.splitString "-" system);
in
rec {
  doubles = rec {
    all = [
      "x86_64-linux"
      "aarch64-linux"
      "i686-linux"
      "armv7l-linux"
      "riscv64-linux"
      "x86_64-darwin"
      "aarch64-darwin"
    ];
    linux = b.filter (s: kernelOf s == "linux") all;
    darwin = b.filter (s: kernelOf s == "darwin") all;
    x86_64 = b.filter (s: cpuOf s == "x86_64") all;
    aarch64 = b.filter (s: cpuOf s == "aarch64") all;
    unix = linux ++ darwin;
  };

  elaborate =
    arg:
    let
      system = if b.isString arg then arg else arg.system;
      cpu = cpuOf system;
      kernel = kernelOf system;
    in
    {
      inherit system;
      config = "${cpu}-unknown-${kernel}-gnu";
      parsed = {
        cpu.name = cpu;
        kernel.name = kernel;
      };
      isLinux = kernel == "linux";
      isDarwin = kernel == "darwin";
      isx86_64 = cpu == "x86_64";
      isAarch64 = cpu == "aarch64";
      isi686 = cpu == "i686";
      is64bit = b.elem cpu [ "x86_64" "aarch64" "riscv64" ];
    }
    // (if b.isAttrs arg then b.removeAttrs arg [ "system" ] else { });
}

# A Linux kernel stand-in: the files a NixOS system expects of a kernel package, without a kernel.
#
# $out/<kernelTarget> (e.g. bzImage) is a short text file saying what it is; $out/System.map is
# empty; $out/lib/modules/<modDirVersion>/ holds an empty modules.dep and one placeholder module
# directory, so that module trees can be aggregated and inspected.
{ stdenv, version ? "3.10.21", modDirVersion ? version }:

stdenv.mkDerivation {
  name = "linux-${version}";
  inherit version modDirVersion;
  kernelTarget = stdenv.platform.kernelTarget;
  buildCommand = ''
    mkdir -p "$out/lib/modules/$modDirVersion/kernel/ntop"
    printf 'ntop kernel stand-in: Linux %s (%s); not bootable\n' "$version" "$kernelTarget" \
      > "$out/$kernelTarget"
    : > "$out/System.map"
    : > "$out/lib/modules/$modDirVersion/modules.dep"
    printf 'built by ntop from host tools; contains no kernel modules\n' \
      > "$out/lib/modules/$modDirVersion/kernel/ntop/README"
  '';
  passthru = { inherit version modDirVersion; };
}

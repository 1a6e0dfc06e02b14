# makeInitrd { name ? "initrd", root, compressor ? "gzip -9n" }: $out/initrd, the directory
# tree `root` as a compressed "newc" cpio archive (written by write-cpio.pl, with the host's perl).
{ stdenv }:

{ name ? "initrd", root, compressor ? "gzip -9n" }:

stdenv.mkDerivation {
  inherit name root compressor;
  writeCpio = ./write-cpio.pl;
  buildCommand = ''
    mkdir -p "$out"
    perl "$writeCpio" "$root" | $compressor > "$out/initrd"
  '';
}

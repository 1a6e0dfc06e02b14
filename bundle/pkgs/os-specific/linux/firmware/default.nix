# A stand-in for a firmware collection: $out/lib/firmware/<name>/README and nothing more, so
# that NixOS' aggregated firmware tree has real content to link.
{ stdenv, name ? "firmware-linux-nonfree", version ? "2013-11-25" }:

stdenv.mkDerivation {
  name = "${name}-${version}";
  firmwareName = name;
  buildCommand = ''
    mkdir -p "$out/lib/firmware/$firmwareName"
    printf 'ntop firmware stand-in (%s); holds no firmware blobs\n' "$firmwareName" \
      > "$out/lib/firmware/$firmwareName/README"
  '';
}

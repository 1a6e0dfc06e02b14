let url = file: "file://${toString file}"; in
{
  file = builtins.fetchurl (url ./inputs/file.txt);
  exeIsFlat = builtins.fetchurl (url ./inputs/script.sh);
  named = builtins.fetchurl { url = url ./inputs/file.txt; name = "renamed"; sha256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"; };
  sri = builtins.fetchurl { url = url ./inputs/file.txt; sha256 = "sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="; };
  tarball = builtins.fetchTarball (url ./inputs/archive.tar.gz);
  tarballNamed = builtins.fetchTarball { url = url ./inputs/archive.tar.gz; name = "proj"; };
  plainTar = builtins.fetchTarball (url ./inputs/plain.tar);
  content = builtins.readFile "${builtins.fetchTarball (url ./inputs/archive.tar.gz)}/src/main.c";
}

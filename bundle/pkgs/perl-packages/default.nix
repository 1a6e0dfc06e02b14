# Perl modules, installed where NixOS' scripts look for them: $out/lib/perl5/site_perl.
{ stdenv }:

{
  # Not CPAN's File::Slurp: a module of ours with the same interface (see File-Slurp.pm).
  FileSlurp = stdenv.mkDerivation {
    name = "perl-File-Slurp-9999.ntop";
    module = ./File-Slurp.pm;
    buildCommand = ''
      mkdir -p "$out/lib/perl5/site_perl/File"
      cp "$module" "$out/lib/perl5/site_perl/File/Slurp.pm"
    '';
  };
}

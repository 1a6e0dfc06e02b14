# An unexpected argument whose name is not an identifier is named quoted, as Nix prints
# attribute names (nixpkgs' lib/fileset/tests.sh expects this).
({ a ? 1 }: a) { "b c" = 1; }

let
  inherit (import ./lib.nix) mk;
  plain = builtins.toFile "plain.txt" "no references";
  withRef = builtins.toFile "with-ref.sh" "source ${plain}\ncat ${./inputs/file.txt}\n";
in
mk { name = "tofile"; script = withRef; }

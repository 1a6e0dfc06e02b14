let plain = builtins.toFile "plain" "hello"; in
{
  inherit plain;
  withRef = builtins.toFile "ref" "see ${plain} and ${./inputs/file.txt}";
  empty = builtins.toFile "empty" "";
  dotName = builtins.toFile ".hidden" "x";
}

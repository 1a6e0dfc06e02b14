builtins.path {
  path = ./inputs;
  colour = "red";
}

# system.activationScripts: strings and { text, deps } snippets, ordered so that every snippet
# follows its dependencies (and otherwise goes by name). Prints the order of the section
# headers in the finished script, and the script itself.
let
  eval = import ./support/eval.nix {
    modules = [
      {
        system.activationScripts = {
          zebra = { text = "echo zebra"; deps = [ "apple" "mango" ]; };
          mango = { text = "echo mango"; deps = [ "apple" ]; };
          apple = "echo apple";
          banana = { text = "echo banana"; deps = [ "zebra" ]; };
        };
      }
    ];
  };
  script = eval.config.system.activationScripts.script;
  lines = builtins.filter builtins.isString (builtins.split "\n" script);
  headers = builtins.filter (line: builtins.match "# [a-z]+" line != null) lines;
in
{
  inherit headers script;
}

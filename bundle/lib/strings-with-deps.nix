# Text snippets with dependencies, concatenated in dependency order (the old way NixOS
# assembled activation scripts).
#
# An entry is { text, deps }; `deps` names other entries of the `predefined` set. Each named
# entry is emitted once, after its dependencies; entries given directly (not by name) are
# emitted every time they appear.
{ lib }:
rec {
  textClosureList =
    predefined: roots:
    let
      # Visit `todo` in order, with the set of names already emitted: { result, done }.
      walk =
        done: todo:
        if todo == [ ] then
          {
            result = [ ];
            inherit done;
          }
        else
          let
            item = builtins.head todo;
            rest = builtins.tail todo;
          in
          if builtins.isAttrs item then
            let
              before = walk done item.deps;
              after = walk before.done rest;
            in
            {
              result = before.result ++ [ item.text ] ++ after.result;
              inherit (after) done;
            }
          else if done ? ${item} then
            walk done rest
          else
            walk (done // { ${item} = true; }) ([ predefined.${item} ] ++ rest);
    in
    (walk { } roots).result;

  textClosureMap = f: predefined: names: lib.strings.concatMapStringsSep "\n" f (textClosureList predefined names);

  noDepEntry = text: {
    inherit text;
    deps = [ ];
  };
  fullDepEntry = text: deps: { inherit text deps; };
  packEntry = deps: {
    inherit deps;
    text = "";
  };
  stringAfter = deps: text: { inherit text deps; };
}

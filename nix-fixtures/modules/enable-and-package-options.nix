let
  lib = import <nixpkgs/lib>;
  pkgs = {
    hello = derivation { name = "hello-2.12"; system = "x86_64-linux"; builder = "/bin/sh"; };
    tools.jq = derivation { name = "jq-1.7"; system = "x86_64-linux"; builder = "/bin/sh"; };
  };
  eval = lib.evalModules {
    modules = [
      {
        options.feature.enable = lib.mkEnableOption "the feature";
        options.hello = lib.mkPackageOption pkgs "hello" { };
        options.jq = lib.mkPackageOption pkgs [ "tools" "jq" ] { extraDescription = "Extra."; };
        options.maybe = lib.mkPackageOption pkgs "missing" { nullable = true; default = null; };
        options.sink = lib.mkSinkUndeclaredOptions { };
      }
      { sink.anything = 1; sink.more = [ 2 ]; }
      { feature.enable = true; }
    ];
  };
  o = eval.options;
in
{
  enable = eval.config.feature.enable;
  enableDesc = o.feature.enable.description;
  enableExample = o.feature.enable.example;
  hello = eval.config.hello.name;
  helloDesc = o.hello.description;
  helloDefaultText = o.hello.defaultText;
  jqName = eval.config.jq.name;
  jqDesc = o.jq.description;
  maybe = eval.config.maybe;
  maybeType = o.maybe.type.description;
  sinkDefined = o.sink.isDefined;
  literal = [ (lib.literalExpression "pkgs.x") (lib.literalMD "*md*") ];
}

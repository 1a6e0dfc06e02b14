# mkAliasDefinitions / mkAliasAndWrapDefinitions copy the definitions of another option.
let
  lib = import <nixpkgs/lib>;
  t = lib.types;
in
(lib.evalModules {
  modules = [
    {
      options.source = lib.mkOption { type = t.listOf t.int; default = [ ]; };
      options.copy = lib.mkOption { type = t.listOf t.int; default = [ ]; };
      options.wrapped = lib.mkOption { type = t.attrsOf (t.listOf t.int); default = { }; };
      options.unset = lib.mkOption { type = t.listOf t.int; default = [ 0 ]; };
      options.copyOfUnset = lib.mkOption { type = t.listOf t.int; default = [ 42 ]; };
    }
    ({ options, ... }: {
      copy = lib.mkAliasDefinitions options.source;
      wrapped = lib.mkAliasAndWrapDefinitions (v: { inner = v; }) options.source;
      copyOfUnset = lib.mkAliasDefinitions options.unset;
    })
    { source = [ 1 2 ]; }
    { source = [ 3 ]; }
  ];
}).config

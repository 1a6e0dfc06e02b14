# Nothing to report: every binding is used, `rec` is needed, names resolve.
{ pkgs, lib ? pkgs.lib, ... }:
let
  greeting = "hello";
  twice = f: x: f (f x);
in
rec {
  message = "${greeting}, world";
  shout = twice lib.toUpper message;
  inherit (pkgs) hello;
}

{ lib, ... }:
{
  config = lib.mkIf false {
    items = throw "a mkIf false is never evaluated";
    name = throw "nor is this";
  };
}

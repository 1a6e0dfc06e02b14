word:
{ lib, ... }:
{
  log = [ word ];
}

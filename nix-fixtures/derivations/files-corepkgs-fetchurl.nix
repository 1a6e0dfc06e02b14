# <nix/…> resolves to Nix 2.8's built-in directory when no search path entry has the file;
# fetchurl.nix there can be imported, but it is no file on disk.
let f = import <nix/fetchurl.nix>; in
{
  path = <nix/fetchurl.nix>;
  other = <nix/no-such-file.nix>;
  args = builtins.functionArgs f;
  exists = builtins.pathExists <nix/fetchurl.nix>;
  found = builtins.findFile [ ] "nix/fetchurl.nix";
  isFunction = builtins.isFunction f;
  same = f == import <nix/fetchurl.nix>;
}

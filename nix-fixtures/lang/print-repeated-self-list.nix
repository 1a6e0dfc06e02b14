# A one-element list knows itself only through its cell (Nix keeps short lists inline).
let x = [ x ]; in x

# Added to the modules of every configuration that top-level.nix builds as a child
# (nesting.children, nesting.clone): a child has no children of its own and leaves the boot
# sector to its parent. Priority 0 so that not even a parent's mkForce carries over.
{ lib, ... }:

{
  boot.loader.grub.device = lib.mkOverride 0 "nodev";
  nesting.children = lib.mkOverride 0 [ ];
  nesting.clone = lib.mkOverride 0 [ ];
}

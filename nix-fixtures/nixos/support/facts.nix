# Shared by the nixos fixtures; not a case itself. What a fixture prints about a derivation:
# its name and the two paths Nix computes for it. (Not under the key `outPath`: an attribute
# set with an outPath prints as that path alone in JSON.)
{
  drv = d: { inherit (d) name drvPath; out = d.outPath; };
}

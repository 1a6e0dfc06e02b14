<sp/sp-lib/sub.nix>

[ (import <sp/sp-lib>) (import <sp/sp-lib/sub.nix>) ]

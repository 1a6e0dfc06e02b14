# builtins.parseFlakeRef (Nix 2.18+): a path takes only rev, narHash, revCount and lastModified
# (NixOS/nix flakeref tests: "/foo/bar?xyzzy=123" throws; "path URL … has unsupported parameter").
builtins.parseFlakeRef "/foo/bar?xyzzy=123"

[
  (builtins.match "([^-]+)-(.*)" "hello-2.10")
  (builtins.match "[[:space:]]*([^[:space:]]+)[[:space:]]*" "  trimmed  ")
  (builtins.match "([0-9]+)\\.([0-9]+)(\\.([0-9]+))?" "1.2")
  (builtins.match ".*\\.nix" "default.nix")
  (builtins.match "/nix/store/[a-z0-9]{32}-(.*)" "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x")
]

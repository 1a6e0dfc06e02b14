# builtins.ntopAddErrorLabels labels e (docs/diagnostics.md): the value of `e`; `labels` are
# only read when evaluating `e` fails, so labels that would fail are harmless here.
[
  (builtins.ntopAddErrorLabels [ ] 42)
  (builtins.ntopAddErrorLabels (throw "never read") { a = 1; })
  (builtins.ntopAddErrorLabels [ { file = "/nowhere.nix"; line = 1; column = 1; message = "x"; } ] "s")
]

# builtins.ntopAddErrorLabels labels e (docs/diagnostics.md): an error raised by `e` is the
# error reported, at its own position; labels that name no source read are left out rather
# than hiding it.
builtins.ntopAddErrorLabels [ { file = "/nowhere.nix"; line = 1; column = 1; message = "x"; } ] (
  throw "the error"
)

{
  # Imported by several modules; evaluated once.
  log = [ "shared" ];
}

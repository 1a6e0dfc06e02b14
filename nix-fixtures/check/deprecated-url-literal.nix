{
  src = https://example.org/source.tar.gz;
  quoted = "https://example.org/source.tar.gz";
}

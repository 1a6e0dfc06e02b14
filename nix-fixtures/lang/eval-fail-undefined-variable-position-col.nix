{
  a = 1;
  b =    missing;
}

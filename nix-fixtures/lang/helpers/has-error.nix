{
  a = 1;
  b = undefinedInHelper;
}.b

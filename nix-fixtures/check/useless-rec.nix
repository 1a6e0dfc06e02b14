{
  needed = rec { a = 1; b = a + 1; };
  useless = rec { a = 1; b = 2; };
  selfReference = rec { f = n: if n == 0 then 0 else f (n - 1); };
}

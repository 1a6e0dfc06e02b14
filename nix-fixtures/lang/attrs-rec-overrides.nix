# The legacy __overrides attribute of recursive sets replaces bindings, also for the
# other bindings that refer to them, and adds new ones; only in rec sets.
[
  (rec { a = 1; b = a; __overrides = { a = 2; c = 3; }; })
  { a = 1; __overrides = { a = 2; }; }
  (let a = 1; __overrides = { a = 2; }; in a)
  (rec { x = 1; y = { inherit x; }; __overrides = { x = 5; }; }).y
]

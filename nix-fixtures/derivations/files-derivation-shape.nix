let
  d = derivation { name = "shape"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; };
in
{
  names = builtins.attrNames d;
  devNames = builtins.attrNames d.dev;
  isFunction = builtins.isFunction derivation;
  outputName = d.dev.outputName;
  sameDrv = d.drvPath == d.dev.drvPath;
  out = d.outPath;
  dev = d.dev.outPath;
  all = map (o: o.outputName) d.all;
  type = d.type;
  strict = builtins.attrNames (derivationStrict { name = "s"; system = "x"; builder = "/bin/sh"; outputs = [ "b" "a" ]; });
  str = "${d}";
  lambda = derivation;
}

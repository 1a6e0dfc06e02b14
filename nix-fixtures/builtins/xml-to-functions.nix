builtins.toXML [ (x: x) ({ b, a ? 1, ... }: a) (args@{ y }: y) ({ ... }: 1) builtins.add (builtins.add 1) ]

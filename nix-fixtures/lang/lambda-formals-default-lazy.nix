({ a ? throw "unused default" }: 1) { }

# warn, warnIf, info and the trace helpers print to standard error.
let
  lib = import <nixpkgs/lib>;
in
[
  (lib.warn "careful" 1)
  (lib.warnIf true "only this" 2)
  (lib.warnIf false "not this" 3)
  (lib.info "for your information" 4)
  (lib.traceVal 5)
  (lib.traceValFn (x: "value is ${toString x}") 6)
  (lib.traceSeq { a = [ 1 ]; } 7)
  (lib.traceIf true "traceIf" 8)
]

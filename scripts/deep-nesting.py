#!/usr/bin/env python3
"""Deeply nested inputs, one per construct, for the hardening issue's rule: nesting of 1 M in
any construct is evaluated, or refused with a clean error, in under 2 s.

    scripts/deep-nesting.py DIR [N]      writes DIR/<construct>.nix, N deep (default 1000000)

This script is for measuring by hand (`time ntop instantiate --eval DIR/<construct>.nix`) and for
seeding the fuzz corpus."""
import os
import sys


def constructs(n):
    yield "list", "[" * n + "1" + "]" * n
    yield "parens", "(" * n + "1" + ")" * n
    yield "attrs", "{a=" * n + "1" + ";}" * n
    yield "rec-attrs", "rec {a=" * n + "1" + ";}" * n
    yield "attrpath", "{" + ".".join(["a"] * n) + "=1;}"
    yield "select", "{}." + ".".join(["a"] * n) + " or 1"
    yield "has-attr", "{} ? " + ".".join(["a"] * n)
    yield "let", "let a=" * n + "1" + ";in a" * n
    yield "with", "with {};" * n + "1"
    yield "assert", "assert true;" * n + "1"
    yield "if", "if true then " * n + "1" + " else 0" * n
    yield "lambda", "x: " * n + "1"
    yield "lambda-set", "{x}: " * n + "1"
    yield "apply-right", "(x: x) (" * n + "1" + ")" * n
    yield "apply-left", "(x: x)" + " (x: x)" * n + " 1"
    yield "neg", "-" * n + "1"
    yield "not", "!" * n + "true"
    yield "plus", "+".join(["1"] * n)
    yield "minus", "-".join(["1"] * n)
    yield "mul", "*".join(["1"] * n)
    yield "strcat", "+".join(['"a"'] * n)
    yield "concat", "++".join(["[1]"] * n)
    yield "update", "//".join(["{}"] * n)
    yield "and", "&&".join(["true"] * n)
    yield "or", "||".join(["false"] * n)
    yield "implies", " -> ".join(["true"] * n)
    yield "interp", '"${' * n + '"a"' + '}"' * n
    yield "indented-interp", "''${" * n + "''a''" + "}''" * n


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    os.makedirs(out, exist_ok=True)
    for name, text in constructs(n):
        with open(os.path.join(out, name + ".nix"), "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()

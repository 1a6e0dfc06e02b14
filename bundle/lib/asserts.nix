# Assertions with readable messages.
{ lib }:
rec {
  # true, or a throw with `msg`; meant for `assert assertMsg cond "…"; …`.
  assertMsg = cond: msg: cond || throw msg;

  assertOneOf =
    name: val: xs:
    assertMsg (builtins.elem val xs) "${name} must be one of ${
      lib.generators.toPretty { } xs
    }, but is: ${lib.generators.toPretty { } val}";

  assertEachOneOf =
    name: vals: xs:
    assertMsg (builtins.all (v: builtins.elem v xs) vals) "each element in ${name} must be one of ${
      lib.generators.toPretty { } xs
    }, but is: ${lib.generators.toPretty { } vals}";
}

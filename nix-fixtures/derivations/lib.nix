# Shared helpers of the derivation cases (not a case: cases are the top-level .nix files).
{
  mk = attrs: derivation ({ system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; } // attrs);
}

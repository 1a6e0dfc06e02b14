(import ./lib.nix).mk {
  name = "unicode";
  greek = "αβγ ünïcödé 日本語 🎉";
  control = "tab\there\nnewline\rcr \"quoted\" back\\slash \u0001 ";
  bell = builtins.readFile ./inputs/control.bin;
  multiline = ''
    line one
      line two
  '';
}

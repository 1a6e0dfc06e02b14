# The first byte of "é" (0xC3) alone: the string ends inside a UTF-8 sequence.
builtins.toJSON { s = builtins.substring 0 1 "é"; }

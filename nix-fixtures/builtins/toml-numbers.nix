builtins.fromTOML "a = inf\nb = -inf\nd = 0x10\ne = 1_000\nf = 1e3\ng = 0o17\nh = 0b11\ni = +5\nj = -0.0\nk = 9223372036854775807\nl = 6.626e-34"

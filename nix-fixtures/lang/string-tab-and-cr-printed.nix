"a	b\rc"

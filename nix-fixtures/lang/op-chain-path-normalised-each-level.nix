# `p + s` on a path normalises the result (`..` and `.` removed) after every `+`, so the
# left-nested chain `/a + "/.." + "b"` is `(/a + "/..") + "b"`: `/` + "b" = `/b`, not the
# normalisation of "/a/..b". Folding the chain in one loop must keep that.
[
  (/a + "/.." + "b")
  (/a + "/b" + "/.." + "/c")
  (/a/b + "/." + "/c" + "d")
  (/x + "/../.." + "/y")
]

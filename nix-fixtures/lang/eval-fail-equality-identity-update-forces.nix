# `s // { }` is a new value holding the same attributes: they are compared, so forced.
let s = { a = throw "attribute forced"; }; in [ s ] == [ (s // { }) ]

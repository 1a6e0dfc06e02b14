# "a", the second byte of "é" (0xA9, which cannot start a UTF-8 sequence), "b".
builtins.toJSON [ "ok" ("a" + builtins.substring 1 1 "é" + "b") ]

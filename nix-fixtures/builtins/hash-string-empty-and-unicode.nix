[ (builtins.hashString "sha256" "") (builtins.hashString "md5" "é😀") (builtins.hashString "sha1" "\n") ]

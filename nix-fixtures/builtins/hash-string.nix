map (a: builtins.hashString a "hello") [ "md5" "sha1" "sha256" "sha512" ]

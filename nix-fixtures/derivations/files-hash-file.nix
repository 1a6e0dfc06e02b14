map (t: builtins.hashFile t ./inputs/file.txt) [ "md5" "sha1" "sha256" "sha512" ]
++ [ (builtins.hashFile "sha256" ./inputs/control.bin) ]

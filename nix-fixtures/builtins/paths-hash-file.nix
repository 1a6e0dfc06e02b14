map (a: builtins.hashFile a ./helpers/toml-tables.toml) [ "md5" "sha1" "sha256" "sha512" ]

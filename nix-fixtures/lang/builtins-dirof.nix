map dirOf [ "/a/b/c" "a/b" "a" "/a" "/" "" "a/b/" ]

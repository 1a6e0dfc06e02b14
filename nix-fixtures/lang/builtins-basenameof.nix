map baseNameOf [ "/a/b/c.nix" "a" "/a/b/" "" "/" "dir/" ./some/file ]

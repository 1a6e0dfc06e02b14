let h = builtins.getEnv "HOME"; in toString ~/a/b == h + "/a/b"

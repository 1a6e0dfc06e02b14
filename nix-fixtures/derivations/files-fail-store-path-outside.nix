builtins.storePath "/tmp"

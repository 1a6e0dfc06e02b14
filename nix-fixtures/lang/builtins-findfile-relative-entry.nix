# A relative search-path entry (`-I sp=search-path`, or a bare `-I ./dir`) is taken relative
# to the working directory, not to the file system root.
[ <sp/sp-lib/sub.nix> <sub.nix> ]

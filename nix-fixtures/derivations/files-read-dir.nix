{ top = builtins.readDir ./inputs; dir = builtins.readDir ./inputs/dir; viaSymlinkTarget = builtins.readDir "${toString ./inputs}/dir/"; }

map builtins.pathExists [ ./inputs/file.txt ./inputs/dir ./inputs/symlink ./inputs/missing "${toString ./inputs}/dir/sub" "/definitely/not/here" ./. ]

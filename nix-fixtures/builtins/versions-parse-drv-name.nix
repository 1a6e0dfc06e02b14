map builtins.parseDrvName [ "hello-2.1" "hello-world-2.1" "hello" "hello-" "a-é" "nix-2.8.0pre" "foo-bar-baz" "-1" "" "x-1-y" ]

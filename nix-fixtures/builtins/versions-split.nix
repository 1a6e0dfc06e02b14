map builtins.splitVersion [ "1.2.3" "1.2.3pre4-rc..5" "" "..-" "abc" "1a2b" "2.0-β" "10.01" ]

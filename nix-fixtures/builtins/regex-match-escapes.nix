map (re: builtins.match re "a.b") [ "a\\.b" "a.b" "a\\*b" ] ++ [ (builtins.match "\\(\\)\\[\\{\\|\\^\\$\\+\\?\\*" "()[{|^$+?*") ]

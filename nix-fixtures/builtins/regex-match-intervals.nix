map (re: builtins.match re "aaa") [ "a{3}" "a{2}" "a{2,}" "a{1,3}" "a{4,}" "a{0,2}a" "(a{1}){3}" ]

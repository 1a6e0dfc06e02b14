map (re: builtins.match re "aZ09 _\t!") [
  "[[:alpha:]]+.*" "[[:alnum:]]+ .*" "[[:lower:]][[:upper:]][[:digit:]]+[[:space:]]_[[:blank:]][[:punct:]]"
  ".*[[:cntrl:]].*" "[[:print:]]+" "[[:graph:][:space:]]+" "[[:xdigit:]]+.*"
]

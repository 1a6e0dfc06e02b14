true || throw "never"

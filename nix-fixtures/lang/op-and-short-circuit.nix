false && throw "never"

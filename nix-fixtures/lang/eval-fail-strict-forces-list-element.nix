[ 1 (throw "second element") ]

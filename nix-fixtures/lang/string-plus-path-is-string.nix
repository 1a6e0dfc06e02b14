builtins.typeOf ("x" + ./helpers/data.txt)

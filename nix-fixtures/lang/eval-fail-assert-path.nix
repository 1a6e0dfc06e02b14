let x = 1; in
assert ./a/../b == ./c + "/d";
x

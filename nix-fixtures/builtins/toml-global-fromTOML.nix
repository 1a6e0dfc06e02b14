fromTOML "x = [ [ 1 ], [ \"a\" ] ]"

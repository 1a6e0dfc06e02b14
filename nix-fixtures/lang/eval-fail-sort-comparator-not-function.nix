# The comparator must be a function even when the list is too short to call it.
builtins.sort 1 [ "foo" ]

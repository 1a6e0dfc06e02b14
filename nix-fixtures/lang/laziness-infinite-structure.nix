let ones = { head = 1; tail = ones; }; in ones.tail.tail.tail.head

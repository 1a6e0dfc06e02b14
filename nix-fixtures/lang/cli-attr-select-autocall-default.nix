{ inner = { a ? 4 }: a * 10; }

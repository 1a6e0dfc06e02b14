./a + "bc"

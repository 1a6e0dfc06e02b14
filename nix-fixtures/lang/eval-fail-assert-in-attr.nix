{ a = assert false; 1; }

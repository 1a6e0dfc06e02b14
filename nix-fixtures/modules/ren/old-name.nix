{ httpPort = 8000; }

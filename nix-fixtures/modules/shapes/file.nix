{ lib, config, ... }: { log = [ "file-function" ]; }

builtins.split "," "a,,b,"

import ./helpers/dir-with-default

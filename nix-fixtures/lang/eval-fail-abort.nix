abort "stop here"

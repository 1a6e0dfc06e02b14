builtins.toXML "<a href=\"x\">&amp;'\n\té</a>"

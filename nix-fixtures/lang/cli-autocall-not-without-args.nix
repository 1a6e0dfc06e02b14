{ }: "called with no arguments"

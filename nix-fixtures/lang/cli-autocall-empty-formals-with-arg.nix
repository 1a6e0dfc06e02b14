{ }: "called"

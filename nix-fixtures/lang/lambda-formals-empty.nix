({ }: "called") { }

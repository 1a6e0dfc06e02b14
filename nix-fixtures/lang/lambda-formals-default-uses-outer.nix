let d = 7; in ({ x ? d }: x) { }

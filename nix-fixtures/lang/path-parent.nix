../lang/a

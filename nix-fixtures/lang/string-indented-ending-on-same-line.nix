''
  text ''

"<tag attr=\"v\"> & 'quote'\n"

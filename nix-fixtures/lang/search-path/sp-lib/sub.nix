"sub of search-path"

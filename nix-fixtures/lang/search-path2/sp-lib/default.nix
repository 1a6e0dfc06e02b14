{ from = "search-path2"; }

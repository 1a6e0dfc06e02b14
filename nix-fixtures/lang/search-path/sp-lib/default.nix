{ from = "search-path"; }

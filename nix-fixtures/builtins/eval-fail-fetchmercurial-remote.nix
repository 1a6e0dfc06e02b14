# A remote repository cannot be fetched here (no network): the error names the URL.
builtins.fetchMercurial "https://example.invalid/repo"

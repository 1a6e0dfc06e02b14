# A remote repository cannot be fetched here (no network): the error names the URL.
builtins.fetchGit "https://example.invalid/repo.git"

"${./helpers/data.txt}" == builtins.unsafeDiscardStringContext "${./helpers/data.txt}"

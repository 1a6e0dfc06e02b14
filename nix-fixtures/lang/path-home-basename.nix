baseNameOf ~/some/file.txt

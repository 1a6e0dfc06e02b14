[ "${./inputs/file.txt}" "${./inputs/script.sh}" "${./inputs/dir}" "${./inputs/symlink}" "${./inputs}/dir" (toString ./inputs/file.txt) ]

# Builds the /etc tree of a configuration: $out/etc/<target> for every entry.
# $sources, $targets and $modes are parallel lists; a mode of "symlink" links the source,
# any other mode copies it and records the mode beside it in <target>.mode, for activation.
mkdir -p "$out/etc"

sources_=($sources)
targets_=($targets)
modes_=($modes)

for i in "${!targets_[@]}"; do
    source="${sources_[$i]}"
    target="${targets_[$i]}"
    mode="${modes_[$i]}"
    dest="$out/etc/$target"

    if [ -e "$dest" ] || [ -L "$dest" ]; then
        echo "environment.etc: two entries have the target '$target'" >&2
        exit 1
    fi
    mkdir -p "$(dirname "$dest")"
    if [ "$mode" = symlink ]; then
        ln -s "$source" "$dest"
    else
        cp "$source" "$dest"
        chmod "$mode" "$dest"
        printf '%s\n' "$mode" > "$dest.mode"
    fi
done

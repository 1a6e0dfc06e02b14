# Builds the directory of unit files: $out/<unit> for every unit, and for every target a unit is
# wanted or required by, $out/<target>.wants/<unit> (or .requires) linking to it.
# $names, $files, $wantedBy and $requiredBy are parallel lists; the last two hold
# comma-separated target names, "-" for none.
mkdir -p "$out"

names_=($names)
files_=($files)
wantedBy_=($wantedBy)
requiredBy_=($requiredBy)

linkInto() {
    local kind="$1" targets="$2" unit="$3" target
    [ "$targets" = - ] && return 0
    for target in ${targets//,/ }; do
        mkdir -p "$out/$target.$kind"
        ln -sfn "../$unit" "$out/$target.$kind/$unit"
    done
}

for i in "${!names_[@]}"; do
    unit="${names_[$i]}"
    ln -s "${files_[$i]}" "$out/$unit"
    linkInto wants "${wantedBy_[$i]}" "$unit"
    linkInto requires "${requiredBy_[$i]}" "$unit"
done

ln -s multi-user.target "$out/default.target"

# Builds the stdenv itself: installs setup.sh as $out/setup with the host PATH filled in.
# Nothing is sourced yet, so this script finds its tools through $hostPath on its own.
export PATH="$hostPath"
mkdir -p "$out"
content=""
IFS= read -r -d '' content < "$setupScript" || true
content="${content//"@hostPath@"/"$hostPath"}"
content="${content//"@shell@"/"$shell"}"
printf '%s' "$content" > "$out/setup"

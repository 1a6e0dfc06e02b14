# ntop's standard environment, sourced by every builder before its own code runs.
#
# It is a deliberately small cousin of nixpkgs' stdenv: the tools are the build host's own
# (/usr/bin, /bin, /usr/sbin), and only the shell functions that NixOS-style modules rely on
# are offered. The stdenv derivation replaces @hostPath@ and @shell@ when it installs this file.

export PATH="@hostPath@"
export SHELL="@shell@"

# Every input with a bin/ directory goes in front of the host tools, in the order given.
addInputsToPath() {
    local input
    for input in "$@"; do
        if [ -d "$input/bin" ]; then
            PATH="$input/bin:$PATH"
        fi
    done
}
addInputsToPath $nativeBuildInputs $buildInputs $propagatedBuildInputs

# runHook NAME: evaluate the string variable NAME (preBuild, postInstall, ...) if it is set.
runHook() {
    local hook="$1"
    if [ -n "${!hook:-}" ]; then
        eval "${!hook}"
    fi
}

# substitute INPUT OUTPUT [--replace FROM TO | --subst-var NAME | --subst-var-by NAME VALUE]...
#
# Copies INPUT to OUTPUT, performing each replacement in the order given. `--subst-var NAME`
# replaces @NAME@ with the value of the shell variable NAME, which must be set;
# `--subst-var-by NAME VALUE` replaces @NAME@ with VALUE; `--replace FROM TO` replaces the
# literal text FROM with TO. The file is read whole, so trailing newlines survive.
substitute() {
    local input="$1" output="$2"
    shift 2
    if [ ! -f "$input" ]; then
        echo "substitute: input file '$input' does not exist" >&2
        return 1
    fi
    local content=""
    IFS= read -r -d '' content < "$input" || true

    local from to name
    while [ "$#" -gt 0 ]; do
        case "$1" in
            --replace)
                if [ "$#" -lt 3 ]; then
                    echo "substitute: --replace needs two arguments" >&2
                    return 1
                fi
                from="$2" to="$3"
                shift 3
                ;;
            --subst-var)
                if [ "$#" -lt 2 ]; then
                    echo "substitute: --subst-var needs a variable name" >&2
                    return 1
                fi
                name="$2"
                shift 2
                if ! isIdentifier "$name"; then
                    echo "substitute: '$name' is not a valid variable name" >&2
                    return 1
                fi
                if [ -z "${!name+set}" ]; then
                    echo "substitute: variable '$name' is not set (substituting into '$input')" >&2
                    return 1
                fi
                from="@$name@" to="${!name}"
                ;;
            --subst-var-by)
                if [ "$#" -lt 3 ]; then
                    echo "substitute: --subst-var-by needs a name and a value" >&2
                    return 1
                fi
                from="@$2@" to="$3"
                shift 3
                ;;
            *)
                echo "substitute: unknown argument '$1'" >&2
                return 1
                ;;
        esac
        # Both sides quoted: no glob patterns in FROM, no '&' back-references in TO.
        content="${content//"$from"/"$to"}"
    done

    # A file copied out of the store is read-only; substituting in place must still work.
    if [ -e "$output" ] && [ ! -w "$output" ]; then
        chmod u+w "$output"
    fi
    printf '%s' "$content" > "$output"
}

# substituteInPlace FILE... [replacement arguments as for substitute]
substituteInPlace() {
    local -a files=()
    while [ "$#" -gt 0 ] && [ "${1#--}" = "$1" ]; do
        files+=("$1")
        shift
    done
    local file
    for file in "${files[@]}"; do
        substitute "$file" "$file" "$@"
    done
}

isIdentifier() {
    [[ "$1" =~ ^[a-zA-Z_][a-zA-Z0-9_]*$ ]]
}

# substituteAll INPUT OUTPUT: replace @NAME@ with the value of NAME for every exported
# environment variable whose name is a valid identifier.
substituteAll() {
    local input="$1" output="$2"
    local -a args=()
    local name
    for name in $(compgen -e); do
        if isIdentifier "$name"; then
            args+=(--subst-var "$name")
        fi
    done
    substitute "$input" "$output" "${args[@]}"
}

substituteAllInPlace() {
    local file="$1"
    substituteAll "$file" "$file"
}

# The default phases. A derivation may set a phase to a string of its own (buildPhase = "...")
# or list its own phases in `phases`.

unpackPhase() {
    runHook preUnpack
    if [ -z "${src:-}" ]; then
        runHook postUnpack
        return 0
    fi
    local name
    name="$(basename "$src")"
    name="${name#*-}"
    if [ -d "$src" ]; then
        cp -r --no-preserve=mode "$src" "$name"
    else
        case "$src" in
            *.tar | *.tar.* | *.tgz) mkdir "$name" && tar -xf "$src" -C "$name" --strip-components=1 ;;
            *) mkdir "$name" && cp "$src" "$name/" ;;
        esac
    fi
    sourceRoot="${sourceRoot:-$name}"
    cd "$sourceRoot"
    runHook postUnpack
}

patchPhase() {
    runHook prePatch
    local patch
    for patch in ${patches:-}; do
        patch -p1 < "$patch"
    done
    runHook postPatch
}

configurePhase() {
    runHook preConfigure
    if [ -x ./configure ]; then
        ./configure --prefix="$out" ${configureFlags:-}
    fi
    runHook postConfigure
}

buildPhase() {
    runHook preBuild
    if [ -f Makefile ] || [ -f makefile ]; then
        make ${makeFlags:-} ${buildFlags:-}
    fi
    runHook postBuild
}

installPhase() {
    runHook preInstall
    if [ -f Makefile ] || [ -f makefile ]; then
        make ${makeFlags:-} ${installFlags:-} install
    fi
    runHook postInstall
}

fixupPhase() {
    runHook preFixup
    runHook postFixup
}

genericBuild() {
    if [ -n "${buildCommand:-}" ]; then
        eval "$buildCommand"
        return
    fi
    local phase
    for phase in ${phases:-unpackPhase patchPhase configurePhase buildPhase installPhase fixupPhase}; do
        if [ -n "${!phase:-}" ]; then
            eval "${!phase}"
        else
            "$phase"
        fi
    done
}

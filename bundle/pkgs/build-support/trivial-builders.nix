# Small builders that write files, run a command, or merge trees of symlinks.
{ lib, stdenv }:

rec {
  # runCommand NAME ENV COMMAND: a derivation whose whole build is COMMAND.
  runCommand = name: env: buildCommand:
    stdenv.mkDerivation ({ inherit name buildCommand; preferLocalBuild = true; } // env);

  # writeTextFile { name, text, executable ? false, destination ? "" }: the text lands in
  # $out itself, or in $out/DESTINATION when a destination (starting with "/") is given.
  writeTextFile = { name, text, executable ? false, destination ? "" }:
    runCommand name { inherit text executable destination; } ''
      target="$out$destination"
      if [ -n "$destination" ]; then
        mkdir -p "$(dirname "$target")"
      fi
      printf '%s' "$text" > "$target"
      if [ -n "$executable" ]; then
        chmod +x "$target"
      fi
    '';

  writeText = name: text: writeTextFile { inherit name text; };

  writeScript = name: text: writeTextFile { inherit name text; executable = true; };

  writeScriptBin = name: text:
    writeTextFile { inherit name text; executable = true; destination = "/bin/${name}"; };

  # buildEnv { name, paths, pathsToLink ? [ "/" ], ignoreCollisions ? false }: one tree whose
  # directories are real and whose files are symlinks into the given paths. Under each of
  # `pathsToLink`, every file of every path is linked; two paths providing the same file is an
  # error unless `ignoreCollisions`, in which case the earlier path wins.
  buildEnv = { name, paths, pathsToLink ? [ "/" ], ignoreCollisions ? false, passthru ? { } }:
    runCommand name
      {
        inherit paths pathsToLink passthru;
        ignoreCollisions = if ignoreCollisions then "1" else "";
      }
      ''
        mkdir -p "$out"
        for path in $paths; do
          for sub in $pathsToLink; do
            sub="''${sub%/}"
            [ -d "$path$sub" ] || continue
            mkdir -p "$out$sub"
            (cd "$path$sub" && find . -mindepth 1 -type d) | while IFS= read -r dir; do
              mkdir -p "$out$sub/''${dir#./}"
            done
            (cd "$path$sub" && find . -mindepth 1 ! -type d) | while IFS= read -r file; do
              file="''${file#./}"
              target="$out$sub/$file"
              if [ -e "$target" ] || [ -L "$target" ]; then
                if [ -n "$ignoreCollisions" ]; then
                  continue
                fi
                echo "collision: $path$sub/$file and $(readlink "$target") both provide $sub/$file" >&2
                exit 1
              fi
              ln -s "$path$sub/$file" "$target"
            done
          done
        done
      '';

  # symlinkJoin { name, paths }: like buildEnv over the whole of each path, earlier paths
  # winning quietly where two provide the same file.
  symlinkJoin = { name, paths, passthru ? { } }:
    buildEnv { inherit name paths passthru; ignoreCollisions = true; };
}

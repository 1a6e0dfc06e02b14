# Packages made of the build host's own programs.
#
# Each package is a directory of symlinks to host binaries, found at build time in /usr/bin,
# /bin or /usr/sbin (the host directories a sandboxed build can see). `tools` must exist on the
# host; each of `optionalTools` is linked if present and otherwise replaced by a stub that
# explains itself and fails. The derivations name only the tools, never a host path that varies,
# so their .drv files are the same on every host.
{ lib, stdenv, writeTextFile }:

{ name
, version ? "host"
, tools ? [ ]
, optionalTools ? [ ]
  # Tools that belong in $out/sbin rather than $out/bin (daemons, mostly).
, sbinTools ? [ ]
, extraCommands ? ""
, passthru ? { }
}:

stdenv.mkDerivation {
  name = "${name}-${version}";
  inherit tools optionalTools sbinTools extraCommands passthru;
  hostToolDirs = "/usr/bin /bin /usr/sbin";
  buildCommand = ''
    findHostTool() {
      local dir
      for dir in $hostToolDirs; do
        if [ -x "$dir/$1" ] && [ ! -d "$dir/$1" ]; then
          echo "$dir/$1"
          return 0
        fi
      done
      return 1
    }

    dirFor() {
      local tool
      for tool in $sbinTools; do
        if [ "$tool" = "$1" ]; then
          echo sbin
          return
        fi
      done
      echo bin
    }

    mkdir -p "$out/bin"
    for tool in $tools; do
      if ! found="$(findHostTool "$tool")"; then
        echo "host tool '$tool' is needed by $name but is not in $hostToolDirs" >&2
        exit 1
      fi
      mkdir -p "$out/$(dirFor "$tool")"
      ln -s "$found" "$out/$(dirFor "$tool")/$tool"
    done

    for tool in $optionalTools; do
      dest="$out/$(dirFor "$tool")"
      mkdir -p "$dest"
      if found="$(findHostTool "$tool")"; then
        ln -s "$found" "$dest/$tool"
      else
        printf '#! /bin/bash\necho "%s: stand-in; %s is not installed on the build host" >&2\nexit 127\n' \
          "$tool" "$tool" > "$dest/$tool"
        chmod +x "$dest/$tool"
        echo "$tool" >> "$out/missing-host-tools"
      fi
    done

    eval "$extraCommands"
  '';
}

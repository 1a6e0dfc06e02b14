# The builder of every stdenv.mkDerivation: the setup script first, then the build.
source "$stdenv/setup"
genericBuild

//! Store paths, hashes, NAR serialisation and derivations, byte-compatible with Nix.

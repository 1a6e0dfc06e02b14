//! Embeds `bundle/` (the default lib, mini-NixOS and package set) into the binary: generates a
//! table of every file with its bytes and executable bit, and a hash of it all that names the
//! directory the bundle is unpacked into at run time.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let bundle = Path::new(&manifest).join("../../bundle");
    println!("cargo:rerun-if-changed={}", bundle.display());
    let mut files: Vec<(String, std::path::PathBuf, bool)> = Vec::new();
    if bundle.is_dir() {
        for entry in walkdir::WalkDir::new(&bundle).sort_by_file_name() {
            let entry = entry.expect("reading bundle/");
            println!("cargo:rerun-if-changed={}", entry.path().display());
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&bundle)
                .expect("inside bundle/")
                .to_string_lossy()
                .into_owned();
            let exec = is_executable(entry.path());
            files.push((
                rel,
                entry.path().canonicalize().expect("canonical path"),
                exec,
            ));
        }
    }
    // A stable hash of names, modes and contents (not cryptographic; it only names a cache dir).
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let mut table = String::from("pub static FILES: &[(&str, &[u8], bool)] = &[\n");
    for (rel, path, exec) in &files {
        let bytes = std::fs::read(path).expect("reading a bundle file");
        rel.hash(&mut hasher);
        exec.hash(&mut hasher);
        bytes.hash(&mut hasher);
        let _ = writeln!(
            table,
            "    ({rel:?}, include_bytes!({:?}), {exec}),",
            path.display().to_string()
        );
    }
    table.push_str("];\n");
    let _ = writeln!(
        table,
        "pub const HASH: &str = \"{:016x}\";",
        hasher.finish()
    );
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundle_files.rs");
    std::fs::write(out, table).expect("writing the bundle table");
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn is_executable(_: &Path) -> bool {
    false
}

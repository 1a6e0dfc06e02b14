//! Helpers shared by the unit tests: self-removing temporary directories and the sample
//! file tree the NAR oracle vectors were computed on.

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("ntop-store-{label}-{}-{n}", std::process::id()));
        let _ = make_writable_and_remove(&path);
        fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = make_writable_and_remove(&self.0);
    }
}

/// Store objects are made read-only; restore write permission so they can be deleted.
fn make_writable_and_remove(path: &Path) -> std::io::Result<()> {
    for entry in walk(path) {
        if let Ok(meta) = fs::symlink_metadata(&entry) {
            if meta.is_dir() {
                let _ = fs::set_permissions(&entry, fs::Permissions::from_mode(0o755));
            }
        }
    }
    fs::remove_dir_all(path)
}

fn walk(path: &Path) -> Vec<PathBuf> {
    let mut out = vec![path.to_owned()];
    if let Ok(entries) = fs::read_dir(path) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                out.extend(walk(&e.path()));
            }
        }
    }
    out
}

fn write(path: &Path, contents: &[u8], mode: u32) {
    fs::write(path, contents).expect("write sample file");
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod sample file");
}

/// The tree the oracle vectors were computed on, made by this shell script:
///
/// ```sh
/// printf 'Hello, world!\n' > hello.txt
/// printf '#!/bin/sh\necho hi\n' > run.sh && chmod 755 run.sh
/// ln -s hello.txt link
/// mkdir -p tree/a tree/empty
/// printf b > tree/b.txt; printf ccc > tree/a/c; ln -s b.txt tree/link
/// printf x > tree/exe && chmod +x tree/exe
/// printf 12345678 > tree/aligned; : > tree/emptyfile; printf z > tree/Zed
/// ```
pub fn sample_tree() -> TempDir {
    let tmp = TempDir::new("sample");
    let p = tmp.path();
    write(&p.join("hello.txt"), b"Hello, world!\n", 0o644);
    write(&p.join("run.sh"), b"#!/bin/sh\necho hi\n", 0o755);
    symlink("hello.txt", p.join("link")).expect("symlink");
    let tree = p.join("tree");
    fs::create_dir_all(tree.join("a")).expect("mkdir");
    fs::create_dir_all(tree.join("empty")).expect("mkdir");
    write(&tree.join("b.txt"), b"b", 0o644);
    write(&tree.join("a/c"), b"ccc", 0o644);
    symlink("b.txt", tree.join("link")).expect("symlink");
    write(&tree.join("exe"), b"x", 0o755);
    write(&tree.join("aligned"), b"12345678", 0o644);
    write(&tree.join("emptyfile"), b"", 0o644);
    write(&tree.join("Zed"), b"z", 0o644);
    tmp
}

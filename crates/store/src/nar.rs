//! NAR, the Nix archive format: a deterministic serialisation of a file system object.
//!
//! A NAR records only what Nix considers part of a store object: for a regular file its
//! contents and whether it is executable, for a directory its entries sorted by name, for a
//! symlink its target. Timestamps, owners and other permission bits are left out, which is
//! what makes the hash of a NAR a content address.
//!
//! The encoding is a sequence of byte strings, each a little-endian 64-bit length, the bytes,
//! and zero padding to a multiple of 8:
//!
//! ```text
//! nar      = "nix-archive-1" node
//! node     = "(" "type" ( regular | dir | symlink ) ")"
//! regular  = "regular" [ "executable" "" ] "contents" <bytes>
//! dir      = "directory" { "entry" "(" "name" <name> "node" node ")" }
//! symlink  = "symlink" "target" <target>
//! ```

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;

use crate::error::{Error, Result};
use crate::hash::{Hash, HashAlgo, Hasher};

const MAGIC: &[u8] = b"nix-archive-1";

/// What kind of file system object a path is; passed to the filter so that it can decide
/// without another `lstat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Regular,
    Directory,
    Symlink,
    /// A socket, device or FIFO: cannot be archived, but the filter may still exclude it.
    Other,
}

impl FileKind {
    /// The name Nix passes to `builtins.path`/`filterSource` filters.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Regular => "regular",
            FileKind::Directory => "directory",
            FileKind::Symlink => "symlink",
            FileKind::Other => "unknown",
        }
    }

    fn of(meta: &fs::Metadata) -> FileKind {
        let t = meta.file_type();
        if t.is_file() {
            FileKind::Regular
        } else if t.is_dir() {
            FileKind::Directory
        } else if t.is_symlink() {
            FileKind::Symlink
        } else {
            FileKind::Other
        }
    }
}

/// Writes the NAR of `path` to `sink`. `filter` is asked about every object below `path`
/// (not `path` itself) and the ones it rejects are left out, with everything under them.
/// Its error type is the caller's, so that a Nix filter function can fail with an
/// evaluation error; store errors convert into it.
pub fn dump_path<W, E, F>(path: &Path, sink: &mut W, filter: &mut F) -> Result<(), E>
where
    W: Write,
    E: From<Error>,
    F: FnMut(&Path, FileKind) -> Result<bool, E>,
{
    write_str(sink, MAGIC).map_err(|e| Error::io("writing archive of", path, e))?;
    dump_node(path, sink, filter)
}

/// Writes the NAR of `path` with nothing filtered out.
pub fn dump_all<W: Write>(path: &Path, sink: &mut W) -> Result<()> {
    dump_path(path, sink, &mut |_: &Path, _| Ok::<bool, Error>(true))
}

/// Writes the NAR of a single non-executable regular file with these contents (Nix's
/// `dumpString`).
pub fn dump_bytes<W: Write>(contents: &[u8], sink: &mut W) -> io::Result<()> {
    for token in [MAGIC, b"(", b"type", b"regular", b"contents"] {
        write_str(sink, token)?;
    }
    write_str(sink, contents)?;
    write_str(sink, b")")
}

/// The SHA-256 of the NAR of `path` and the NAR's size, without holding the NAR in memory.
pub fn nar_hash(path: &Path) -> Result<(Hash, u64)> {
    let mut hasher = Hasher::new(HashAlgo::Sha256);
    dump_all(path, &mut hasher)?;
    let size = hasher.bytes_written();
    Ok((hasher.finish(), size))
}

fn dump_node<W, E, F>(path: &Path, sink: &mut W, filter: &mut F) -> Result<(), E>
where
    W: Write,
    E: From<Error>,
    F: FnMut(&Path, FileKind) -> Result<bool, E>,
{
    let meta = fs::symlink_metadata(path).map_err(|e| Error::io("getting status of", path, e))?;
    let io_err = |e| Error::io("writing archive of", path, e);
    write_str(sink, b"(").map_err(io_err)?;
    match FileKind::of(&meta) {
        FileKind::Regular => {
            write_str(sink, b"type")
                .and_then(|_| write_str(sink, b"regular"))
                .map_err(io_err)?;
            if meta.permissions().mode() & 0o100 != 0 {
                write_str(sink, b"executable")
                    .and_then(|_| write_str(sink, b""))
                    .map_err(io_err)?;
            }
            dump_contents(path, meta.len(), sink)?;
        }
        FileKind::Directory => {
            write_str(sink, b"type")
                .and_then(|_| write_str(sink, b"directory"))
                .map_err(io_err)?;
            let mut entries = Vec::new();
            let read_dir =
                fs::read_dir(path).map_err(|e| Error::io("reading directory", path, e))?;
            for entry in read_dir {
                let entry = entry.map_err(|e| Error::io("reading directory", path, e))?;
                entries.push(entry.file_name());
            }
            entries.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            for name in entries {
                let child = path.join(&name);
                let kind = fs::symlink_metadata(&child)
                    .map(|m| FileKind::of(&m))
                    .map_err(|e| Error::io("getting status of", &child, e))?;
                if !filter(&child, kind)? {
                    continue;
                }
                for token in [&b"entry"[..], b"(", b"name", name.as_bytes(), b"node"] {
                    write_str(sink, token).map_err(io_err)?;
                }
                dump_node(&child, sink, filter)?;
                write_str(sink, b")").map_err(io_err)?;
            }
        }
        FileKind::Symlink => {
            let target = fs::read_link(path).map_err(|e| Error::io("reading symlink", path, e))?;
            for token in [
                &b"type"[..],
                b"symlink",
                b"target",
                target.as_os_str().as_bytes(),
            ] {
                write_str(sink, token).map_err(io_err)?;
            }
        }
        FileKind::Other => {
            return Err(Error::UnsupportedFileType {
                path: path.to_owned(),
            }
            .into())
        }
    }
    write_str(sink, b")").map_err(io_err)?;
    Ok(())
}

fn dump_contents<W: Write>(path: &Path, size: u64, sink: &mut W) -> Result<()> {
    let io_err = |e| Error::io("writing archive of", path, e);
    write_str(sink, b"contents").map_err(io_err)?;
    sink.write_all(&size.to_le_bytes()).map_err(io_err)?;
    let file = fs::File::open(path).map_err(|e| Error::io("opening file", path, e))?;
    let copied =
        io::copy(&mut file.take(size), sink).map_err(|e| Error::io("reading file", path, e))?;
    if copied != size {
        return Err(Error::io(
            "reading file",
            path,
            io::Error::from(io::ErrorKind::UnexpectedEof),
        ));
    }
    sink.write_all(padding(size)).map_err(io_err)
}

fn padding(len: u64) -> &'static [u8] {
    const ZEROS: [u8; 8] = [0; 8];
    &ZEROS[..((8 - len % 8) % 8) as usize]
}

fn write_str<W: Write>(sink: &mut W, s: &[u8]) -> io::Result<()> {
    sink.write_all(&(s.len() as u64).to_le_bytes())?;
    sink.write_all(s)?;
    sink.write_all(padding(s.len() as u64))
}

/// Unpacks a NAR into `dest`, which must not exist yet. Entries must be in strictly
/// ascending order and have sane names, as Nix requires; executables get mode 0755,
/// other files 0644.
pub fn restore<R: Read>(source: R, dest: &Path) -> Result<()> {
    let mut reader = NarReader { inner: source };
    if reader.read_str(64)? != MAGIC {
        return Err(bad("input is not a Nix archive"));
    }
    reader.restore_node(dest)
}

/// The longest token (name, type, symlink target) accepted while restoring.
const MAX_TOKEN: u64 = 4096;

fn bad(message: &str) -> Error {
    Error::NarFormat {
        message: message.to_owned(),
    }
}

struct NarReader<R> {
    inner: R,
}

impl<R: Read> NarReader<R> {
    fn read_u64(&mut self) -> Result<u64> {
        let mut buf = [0u8; 8];
        self.inner
            .read_exact(&mut buf)
            .map_err(|_| bad("unexpected end of archive"))?;
        Ok(u64::from_le_bytes(buf))
    }

    fn read_padding(&mut self, len: u64) -> Result<()> {
        let mut pad = [0u8; 8];
        let n = padding(len).len();
        self.inner
            .read_exact(&mut pad[..n])
            .map_err(|_| bad("unexpected end of archive"))?;
        if pad[..n].iter().any(|&b| b != 0) {
            return Err(bad("non-zero padding"));
        }
        Ok(())
    }

    fn read_str(&mut self, max: u64) -> Result<Vec<u8>> {
        let len = self.read_u64()?;
        if len > max {
            return Err(bad("string too long"));
        }
        let mut buf = vec![0u8; len as usize];
        self.inner
            .read_exact(&mut buf)
            .map_err(|_| bad("unexpected end of archive"))?;
        self.read_padding(len)?;
        Ok(buf)
    }

    fn expect(&mut self, token: &str) -> Result<()> {
        if self.read_str(MAX_TOKEN)? != token.as_bytes() {
            return Err(Error::NarFormat {
                message: format!("expected '{token}'"),
            });
        }
        Ok(())
    }

    fn restore_node(&mut self, path: &Path) -> Result<()> {
        self.expect("(")?;
        self.expect("type")?;
        match &self.read_str(MAX_TOKEN)?[..] {
            b"regular" => {
                let mut tag = self.read_str(MAX_TOKEN)?;
                let executable = tag == b"executable";
                if executable {
                    self.expect("")?;
                    tag = self.read_str(MAX_TOKEN)?;
                }
                if tag != b"contents" {
                    return Err(bad("expected 'contents'"));
                }
                self.restore_contents(path, executable)?;
                self.expect(")")
            }
            b"directory" => {
                fs::create_dir(path).map_err(|e| Error::io("creating directory", path, e))?;
                let mut previous: Option<Vec<u8>> = None;
                loop {
                    match &self.read_str(MAX_TOKEN)?[..] {
                        b")" => return Ok(()),
                        b"entry" => {}
                        _ => return Err(bad("expected 'entry' or ')'")),
                    }
                    self.expect("(")?;
                    self.expect("name")?;
                    let name = self.read_str(MAX_TOKEN)?;
                    if name.is_empty()
                        || name == b"."
                        || name == b".."
                        || name.contains(&b'/')
                        || name.contains(&0)
                    {
                        return Err(Error::NarFormat {
                            message: format!(
                                "invalid file name '{}'",
                                String::from_utf8_lossy(&name)
                            ),
                        });
                    }
                    if previous.as_ref().is_some_and(|p| *p >= name) {
                        return Err(bad("directory entries are not sorted"));
                    }
                    self.expect("node")?;
                    self.restore_node(&path.join(OsStr::from_bytes(&name)))?;
                    self.expect(")")?;
                    previous = Some(name);
                }
            }
            b"symlink" => {
                self.expect("target")?;
                let target = self.read_str(MAX_TOKEN)?;
                symlink(OsStr::from_bytes(&target), path)
                    .map_err(|e| Error::io("creating symlink", path, e))?;
                self.expect(")")
            }
            _ => Err(bad("unknown file type")),
        }
    }

    fn restore_contents(&mut self, path: &Path, executable: bool) -> Result<()> {
        let len = self.read_u64()?;
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| Error::io("creating file", path, e))?;
        let copied = io::copy(&mut (&mut self.inner).take(len), &mut file)
            .map_err(|e| Error::io("writing file", path, e))?;
        if copied != len {
            return Err(bad("unexpected end of archive"));
        }
        self.read_padding(len)?;
        let mode = if executable { 0o755 } else { 0o644 };
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io("setting permissions of", path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{sample_tree, TempDir};

    fn nar_of(path: &Path) -> Vec<u8> {
        let mut out = Vec::new();
        dump_all(path, &mut out).expect("dump");
        out
    }

    fn sha256_nar(path: &Path) -> (String, String, u64) {
        let (hash, size) = nar_hash(path).expect("hash");
        (hash.to_base16(), hash.to_nix32(), size)
    }

    // Expected values below: in a directory made by `sample_tree`'s shell equivalent
    // (see test_support.rs), `nix-store --dump P | sha256sum`, `nix-hash --type sha256
    // --base32 P` and `nix-store --dump P | wc -c` (Nix 2.8.0).

    #[test]
    fn dumps_a_regular_file() {
        let tmp = sample_tree();
        let hello = tmp.path().join("hello.txt");
        // `nix-store --dump hello.txt | od -c`
        let mut expected = Vec::new();
        for (len, s) in [
            (13u8, &b"nix-archive-1"[..]),
            (1, b"("),
            (4, b"type"),
            (7, b"regular"),
            (8, b"contents"),
        ] {
            expected.extend_from_slice(&[len, 0, 0, 0, 0, 0, 0, 0]);
            expected.extend_from_slice(s);
            expected.resize(expected.len().div_ceil(8) * 8, 0);
        }
        expected.extend_from_slice(&[14, 0, 0, 0, 0, 0, 0, 0]);
        expected.extend_from_slice(b"Hello, world!\n\0\0");
        expected.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0, b')', 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(nar_of(&hello), expected);
        assert_eq!(
            sha256_nar(&hello),
            (
                "5849379a8b8cbfc4131d0c0f89ad020ea270d85f161e257b7d52135b58337ece".to_owned(),
                "1kky6dc5n4sjgmxja7hnbzc718hf0anqj3qc3l9w9gwcifd3fjaq".to_owned(),
                128
            )
        );
        let mut flat = Vec::new();
        dump_bytes(b"Hello, world!\n", &mut flat).expect("in memory");
        assert_eq!(flat, expected);
    }

    #[test]
    fn dumps_an_executable_a_symlink_and_a_tree() {
        let tmp = sample_tree();
        let cases = [
            (
                "run.sh",
                "5e0accf02cedede5e4119ffa15e79e79a5fb1fb9bc43c3d434f33227a14477a0",
                "183p8jhjfcpk6kac6hxwp4gzp9brkvkibylz27jfbvgd5kqcq2jy",
                168,
            ),
            (
                "link",
                "01f8a83d7885be14edc68fa4336e81a57a75426c20a0fc9f9bca2c8feaf76387",
                "11v3yzm8yb6akfgzr810di17aym5h5p3794gqvni9gl5g0ysiy01",
                128,
            ),
            (
                "tree",
                "8157d9d20bc8d15e3f196ce1db3cd4d51b4f569cf102f3d78527db0394f854c1",
                "1halz2a07nr7hpbz60pikib4y6ymshydpqbc34zmxlf81g9djmw1",
                1808,
            ),
        ];
        for (name, b16, b32, size) in cases {
            let got = sha256_nar(&tmp.path().join(name));
            assert_eq!(got, (b16.to_owned(), b32.to_owned(), size), "{name}");
        }
    }

    #[test]
    fn filter_leaves_out_rejected_entries() {
        let tmp = sample_tree();
        // `cp -a tree tree2; rm tree2/link; nix-hash --type sha256 --base32 tree2`
        let mut seen = Vec::new();
        let mut hasher = Hasher::new(HashAlgo::Sha256);
        dump_path(
            &tmp.path().join("tree"),
            &mut hasher,
            &mut |p: &Path, kind| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                seen.push((name.clone(), kind));
                Ok::<bool, Error>(name != "link")
            },
        )
        .expect("dump");
        assert_eq!(
            hasher.finish().to_nix32(),
            "08bipjv9zrms730pi4gs37a72lpf1qyndajsbjqfbyc40dn9lz8s"
        );
        assert!(seen.contains(&("link".to_owned(), FileKind::Symlink)));
        assert!(seen.contains(&("a".to_owned(), FileKind::Directory)));
        assert!(seen.contains(&("c".to_owned(), FileKind::Regular)));
    }

    #[test]
    fn filter_errors_reach_the_caller() {
        let tmp = sample_tree();
        #[derive(Debug)]
        struct Stop;
        impl From<Error> for Stop {
            fn from(_: Error) -> Stop {
                Stop
            }
        }
        let result = dump_path(
            &tmp.path().join("tree"),
            &mut io::sink(),
            &mut |_: &Path, _| Err::<bool, Stop>(Stop),
        );
        assert!(result.is_err());
    }

    #[test]
    fn restore_inverts_dump() {
        let tmp = sample_tree();
        let out = TempDir::new("nar-restore");
        for name in ["hello.txt", "run.sh", "link", "tree"] {
            let nar = nar_of(&tmp.path().join(name));
            let dest = out.path().join(name);
            restore(&nar[..], &dest).expect("restore");
            assert_eq!(nar_of(&dest), nar, "{name}");
        }
    }

    #[test]
    fn restore_rejects_bad_archives() {
        let tmp = sample_tree();
        let out = TempDir::new("nar-bad");
        let nar = nar_of(&tmp.path().join("tree"));
        assert!(restore(&nar[..nar.len() - 8], &out.path().join("truncated")).is_err());
        assert!(restore(&b"garbage"[..], &out.path().join("garbage")).is_err());
        let mut unsorted = Vec::new();
        for s in [&b"nix-archive-1"[..], b"(", b"type", b"directory"] {
            write_str(&mut unsorted, s).expect("in memory");
        }
        for name in [&b"b"[..], b"a"] {
            for s in [
                &b"entry"[..],
                b"(",
                b"name",
                name,
                b"node",
                b"(",
                b"type",
                b"symlink",
                b"target",
                b"x",
                b")",
                b")",
            ] {
                write_str(&mut unsorted, s).expect("in memory");
            }
        }
        write_str(&mut unsorted, b")").expect("in memory");
        assert!(matches!(
            restore(&unsorted[..], &out.path().join("unsorted")),
            Err(Error::NarFormat { .. })
        ));
    }
}

//! Archive formats, recognised as libarchive (Nix 2.8's unpacker) recognises them: by their
//! first bytes, whatever the file is called. A tar archive, plain or compressed with gzip,
//! xz, bzip2 or zstd, or a zip file. Entries are handed to the [`Extractor`], which alone
//! writes files.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::path::Path;

use super::extract::{Extractor, UnpackError};

/// Unpacks the archive at `archive` into `dest` (an empty directory of ours), writing at most
/// `limit` bytes of file contents (0: no limit).
pub fn unpack(archive: &Path, dest: &Path, limit: u64) -> Result<(), UnpackError> {
    let shown = archive.display();
    let mut file = File::open(archive)
        .map_err(|e| UnpackError::Format(format!("cannot open '{shown}': {e}")))?;
    let mut magic = [0u8; 6];
    let got = read_up_to(&mut file, &mut magic)
        .map_err(|e| UnpackError::Format(format!("cannot read '{shown}': {e}")))?;
    file.rewind()
        .map_err(|e| UnpackError::Format(format!("cannot read '{shown}': {e}")))?;
    let magic = &magic[..got];
    let mut extractor = Extractor::new(dest, limit);
    if magic.starts_with(b"PK\x03\x04") || magic.starts_with(b"PK\x05\x06") {
        return unpack_zip(file, &mut extractor, &shown.to_string());
    }
    let reader = BufReader::with_capacity(64 * 1024, file);
    let decoded: Box<dyn Read> = match Compression::of(magic) {
        Some(Compression::Gzip) => Box::new(flate2::read::MultiGzDecoder::new(reader)),
        Some(Compression::Xz) => Box::new(liblzma::read::XzDecoder::new_multi_decoder(reader)),
        Some(Compression::Bzip2) => Box::new(bzip2::read::MultiBzDecoder::new(reader)),
        Some(Compression::Zstd) => Box::new(
            zstd::stream::read::Decoder::with_buffer(reader)
                .map_err(|e| UnpackError::Corrupt(format!("decompressing '{shown}': {e}")))?,
        ),
        None => Box::new(reader),
    };
    // The first block says whether this is a tar archive at all.
    let mut decoded = decoded;
    let mut head = vec![0u8; 512];
    let got = read_up_to(&mut decoded, &mut head)
        .map_err(|e| UnpackError::Corrupt(format!("decompressing '{shown}': {e}")))?;
    head.truncate(got);
    if !looks_like_tar(&head) {
        return Err(UnpackError::Format(format!(
            "'{shown}' is not an archive ntop can unpack (tar, plain or compressed with gzip, xz, bzip2 or zstd, or zip)"
        )));
    }
    unpack_tar(
        io::Cursor::new(head).chain(decoded),
        &mut extractor,
        &shown.to_string(),
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Compression {
    Gzip,
    Xz,
    Bzip2,
    Zstd,
}

impl Compression {
    /// The compression a stream starting with `magic` is in (each format's signature).
    fn of(magic: &[u8]) -> Option<Compression> {
        if magic.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if magic.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Some(Compression::Xz)
        } else if magic.starts_with(b"BZh") {
            Some(Compression::Bzip2)
        } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else {
            None
        }
    }
}

/// Whether a first block is a tar header: the `ustar` magic, or a valid header checksum
/// (pre-POSIX archives), or the zero block of an empty archive.
fn looks_like_tar(block: &[u8]) -> bool {
    if block.len() < 512 {
        return false;
    }
    if &block[257..262] == b"ustar" || block.iter().all(|&b| b == 0) {
        return true;
    }
    let field = &block[148..156];
    let digits: Vec<u8> = field
        .iter()
        .copied()
        .skip_while(|&b| b == b' ')
        .take_while(|b| (b'0'..=b'7').contains(b))
        .collect();
    let Ok(text) = std::str::from_utf8(&digits) else {
        return false;
    };
    let Ok(stored) = u32::from_str_radix(text, 8) else {
        return false;
    };
    let sum: u32 = block[..512]
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                u32::from(b' ')
            } else {
                u32::from(b)
            }
        })
        .sum();
    sum == stored
}

fn unpack_tar(reader: impl Read, x: &mut Extractor, shown: &str) -> Result<(), UnpackError> {
    let corrupt = |e: io::Error| UnpackError::Corrupt(format!("unpacking '{shown}': {e}"));
    let mut archive = tar::Archive::new(reader);
    // GNU long names and pax headers are folded into the entries that follow them.
    for entry in archive.entries().map_err(corrupt)? {
        let mut entry = entry.map_err(corrupt)?;
        let name = entry.path_bytes().into_owned();
        let header = entry.header();
        let kind = header.entry_type();
        use tar::EntryType as T;
        match kind {
            T::Regular | T::Continuous | T::GNUSparse => {
                let executable = header.mode().map_err(corrupt)? & 0o100 != 0;
                let size = entry.size();
                x.file(&name, executable, size, &mut entry)?;
            }
            T::Directory => x.dir(&name)?,
            T::Symlink | T::Link => {
                let target = entry
                    .link_name_bytes()
                    .map(|t| t.into_owned())
                    .ok_or_else(|| {
                        UnpackError::Corrupt(format!(
                            "unpacking '{shown}': link '{}' has no target",
                            String::from_utf8_lossy(&name)
                        ))
                    })?;
                if kind == T::Symlink {
                    x.symlink(&name, &target)?;
                } else {
                    x.hard_link(&name, &target)?;
                }
            }
            T::Fifo => return Err(Extractor::special(&name, "FIFO")),
            T::Char => return Err(Extractor::special(&name, "character device")),
            T::Block => return Err(Extractor::special(&name, "block device")),
            // Global pax headers carry no file.
            T::XGlobalHeader => {}
            other => {
                return Err(UnpackError::Corrupt(format!(
                    "unpacking '{shown}': entry '{}' has a type ntop does not unpack ({:?})",
                    String::from_utf8_lossy(&name),
                    other
                )))
            }
        }
    }
    Ok(())
}

/// File types in the mode bits of a zip entry (Unix `st_mode`).
const S_IFMT: u32 = 0o170_000;
const S_IFDIR: u32 = 0o040_000;
const S_IFREG: u32 = 0o100_000;
const S_IFLNK: u32 = 0o120_000;
const S_IFIFO: u32 = 0o010_000;
const S_IFCHR: u32 = 0o020_000;
const S_IFBLK: u32 = 0o060_000;
const S_IFSOCK: u32 = 0o140_000;

fn unpack_zip(file: File, x: &mut Extractor, shown: &str) -> Result<(), UnpackError> {
    let corrupt =
        |e: zip::result::ZipError| UnpackError::Corrupt(format!("unpacking '{shown}': {e}"));
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(corrupt)?;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(corrupt)?;
        let name = entry.name_raw().to_vec();
        // As libarchive reads them: Unix modes where the entry has them, MS-DOS attributes
        // made into 0664/0775, and otherwise 0777 (executable) with the type from the name.
        let mode = entry.unix_mode().unwrap_or(0o777);
        let ty = match mode & S_IFMT {
            0 if name.ends_with(b"/") => S_IFDIR,
            0 => S_IFREG,
            ty => ty,
        };
        match ty {
            S_IFDIR => x.dir(&name)?,
            S_IFREG => {
                let size = entry.size();
                x.file(&name, mode & 0o100 != 0, size, &mut entry)?;
            }
            S_IFLNK => {
                let mut target = Vec::new();
                (&mut entry)
                    .take(64 * 1024)
                    .read_to_end(&mut target)
                    .map_err(|e| UnpackError::Corrupt(format!("unpacking '{shown}': {e}")))?;
                x.symlink(&name, &target)?;
            }
            S_IFIFO => return Err(Extractor::special(&name, "FIFO")),
            S_IFCHR => return Err(Extractor::special(&name, "character device")),
            S_IFBLK => return Err(Extractor::special(&name, "block device")),
            S_IFSOCK => return Err(Extractor::special(&name, "socket")),
            _ => {
                return Err(UnpackError::Corrupt(format!(
                    "unpacking '{shown}': entry '{}' has an unknown file type",
                    String::from_utf8_lossy(&name)
                )))
            }
        }
    }
    Ok(())
}

/// Reads until `buf` is full or the stream ends; how much was read.
fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressions_are_told_by_their_signatures() {
        assert_eq!(
            Compression::of(&[0x1f, 0x8b, 8, 0]),
            Some(Compression::Gzip)
        );
        assert_eq!(Compression::of(b"\xfd7zXZ\0"), Some(Compression::Xz));
        assert_eq!(Compression::of(b"BZh91A"), Some(Compression::Bzip2));
        assert_eq!(
            Compression::of(&[0x28, 0xb5, 0x2f, 0xfd, 0]),
            Some(Compression::Zstd)
        );
        assert_eq!(Compression::of(b"hello!"), None);
    }

    #[test]
    fn a_tar_header_is_told_by_magic_or_checksum() {
        let mut block = vec![0u8; 512];
        assert!(looks_like_tar(&block), "the end block of an empty archive");
        block[0] = b'a';
        assert!(!looks_like_tar(&block));
        // A v7 header: no magic, checksum of the block with the field as spaces.
        let sum: u32 = block.iter().map(|&b| u32::from(b)).sum::<u32>() + 8 * u32::from(b' ');
        block[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        block[155] = b' ';
        assert!(looks_like_tar(&block));
        assert!(!looks_like_tar(b"short"));
    }
}

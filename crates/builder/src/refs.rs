//! Reference scanning: which store paths an object mentions.
//!
//! As Nix does, the NAR serialisation of the object (contents, file names and symlink
//! targets) is searched for the 32-character hash part of each candidate path. The scanner
//! is an `io::Write` sink, so one NAR dump feeds both the hasher and the scanner; a hash
//! split across two writes is still found.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};
use std::path::Path;

use ntop_store::{nix32, StorePath, HASH_PART_LEN};

use crate::error::Result;

/// Scans a byte stream for the hash parts of candidate paths.
pub struct RefScanner<'a> {
    candidates: HashMap<[u8; HASH_PART_LEN], &'a StorePath>,
    found: BTreeSet<StorePath>,
    /// The end of the previous write, for hashes split across writes.
    tail: Vec<u8>,
}

impl<'a> RefScanner<'a> {
    pub fn new(candidates: impl IntoIterator<Item = &'a StorePath>) -> RefScanner<'a> {
        let mut map = HashMap::new();
        for path in candidates {
            let mut key = [0u8; HASH_PART_LEN];
            key.copy_from_slice(path.hash_part().as_bytes());
            map.insert(key, path);
        }
        RefScanner {
            candidates: map,
            found: BTreeSet::new(),
            tail: Vec::new(),
        }
    }

    pub fn found(self) -> BTreeSet<StorePath> {
        self.found
    }

    fn scan(&mut self, data: &[u8]) {
        let mut run = 0usize;
        for (i, &b) in data.iter().enumerate() {
            if nix32::digit_value(b).is_some() {
                run += 1;
                if run >= HASH_PART_LEN {
                    let start = i + 1 - HASH_PART_LEN;
                    if let Ok(key) = <[u8; HASH_PART_LEN]>::try_from(&data[start..=i]) {
                        if let Some(path) = self.candidates.get(&key) {
                            self.found.insert((*path).clone());
                        }
                    }
                }
            } else {
                run = 0;
            }
        }
    }
}

impl Write for RefScanner<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.candidates.is_empty() {
            return Ok(buf.len());
        }
        let mut data = std::mem::take(&mut self.tail);
        data.extend_from_slice(buf);
        self.scan(&data);
        let keep = data.len().min(HASH_PART_LEN - 1);
        self.tail = data.split_off(data.len() - keep);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The candidates whose hash part occurs in the NAR of `path`.
pub fn scan_references<'a>(
    path: &Path,
    candidates: impl IntoIterator<Item = &'a StorePath>,
) -> Result<BTreeSet<StorePath>> {
    let mut scanner = RefScanner::new(candidates);
    ntop_store::nar::dump_all(path, &mut scanner)?;
    Ok(scanner.found())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_hashes_split_across_writes() {
        let a = StorePath::from_base_name("0a7w6k3z5ls8nqm8s9b3a2vkqdcxfb0r-a").expect("path");
        let b = StorePath::from_base_name("1b7w6k3z5ls8nqm8s9b3a2vkqdcxfb0r-b").expect("path");
        let mut scanner = RefScanner::new([&a, &b]);
        let text = format!("x /nix/store/{a}/bin y");
        let (first, second) = text.as_bytes().split_at(20);
        scanner.write_all(first).expect("write");
        scanner.write_all(second).expect("write");
        assert_eq!(scanner.found(), [a].into());
    }
}

//! Cryptographic hashes as Nix uses them: the four algorithms, hashing bytes and streams,
//! the four printed forms (base 16, nix32, base 64, SRI) and parsing any of them back.
//!
//! Parsing follows Nix 2.8's `Hash::parseAny` family: the encoding is recognised by the
//! length of the text (base 16, then nix32, then base 64), an optional `algo:` prefix names
//! the algorithm and an `algo-` prefix makes the rest SRI (always base 64).

use std::fmt;
use std::io;

use data_encoding::{BASE64, HEXLOWER};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use crate::error::{Error, Result};
use crate::nix32;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HashAlgo {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl HashAlgo {
    pub const ALL: [HashAlgo; 4] = [
        HashAlgo::Md5,
        HashAlgo::Sha1,
        HashAlgo::Sha256,
        HashAlgo::Sha512,
    ];

    /// The algorithm with this Nix name, or `None` (Nix's `parseHashTypeOpt`).
    pub fn from_name(name: &str) -> Option<HashAlgo> {
        HashAlgo::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The algorithm with this Nix name (Nix's `parseHashType`).
    pub fn parse(name: &str) -> Result<HashAlgo> {
        HashAlgo::from_name(name).ok_or_else(|| Error::UnknownHashAlgo {
            name: name.to_owned(),
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            HashAlgo::Md5 => "md5",
            HashAlgo::Sha1 => "sha1",
            HashAlgo::Sha256 => "sha256",
            HashAlgo::Sha512 => "sha512",
        }
    }

    /// The digest size in bytes.
    pub fn size(self) -> usize {
        match self {
            HashAlgo::Md5 => 16,
            HashAlgo::Sha1 => 20,
            HashAlgo::Sha256 => 32,
            HashAlgo::Sha512 => 64,
        }
    }

    pub fn base16_len(self) -> usize {
        self.size() * 2
    }

    pub fn nix32_len(self) -> usize {
        nix32::encoded_len(self.size())
    }

    pub fn base64_len(self) -> usize {
        self.size().div_ceil(3) * 4
    }
}

impl fmt::Display for HashAlgo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a hash is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashEncoding {
    Base16,
    Nix32,
    Base64,
    /// `algo-base64`; always carries the algorithm.
    Sri,
}

/// A digest together with its algorithm. The byte length always matches the algorithm,
/// except for [`Hash::compress`]ed hashes, which keep the algorithm they were folded from.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hash {
    algo: HashAlgo,
    bytes: Vec<u8>,
}

impl Hash {
    /// A hash from its raw digest; `None` if the length does not fit the algorithm.
    pub fn from_bytes(algo: HashAlgo, bytes: &[u8]) -> Option<Hash> {
        (bytes.len() == algo.size()).then(|| Hash {
            algo,
            bytes: bytes.to_vec(),
        })
    }

    /// The all-zero hash (what Nix assumes for an empty `outputHash`).
    pub fn zero(algo: HashAlgo) -> Hash {
        Hash {
            algo,
            bytes: vec![0; algo.size()],
        }
    }

    pub fn of(algo: HashAlgo, data: &[u8]) -> Hash {
        let mut hasher = Hasher::new(algo);
        hasher.update(data);
        hasher.finish()
    }

    pub fn sha256(data: &[u8]) -> Hash {
        Hash::of(HashAlgo::Sha256, data)
    }

    pub fn algo(&self) -> HashAlgo {
        self.algo
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Prints the hash; `with_algo` adds the `algo:` prefix (SRI always has `algo-`).
    pub fn encode(&self, encoding: HashEncoding, with_algo: bool) -> String {
        let body = match encoding {
            HashEncoding::Base16 => HEXLOWER.encode(&self.bytes),
            HashEncoding::Nix32 => nix32::encode(&self.bytes),
            HashEncoding::Base64 | HashEncoding::Sri => BASE64.encode(&self.bytes),
        };
        match encoding {
            HashEncoding::Sri => format!("{}-{body}", self.algo),
            _ if with_algo => format!("{}:{body}", self.algo),
            _ => body,
        }
    }

    pub fn to_base16(&self) -> String {
        self.encode(HashEncoding::Base16, false)
    }

    pub fn to_nix32(&self) -> String {
        self.encode(HashEncoding::Nix32, false)
    }

    pub fn to_sri(&self) -> String {
        self.encode(HashEncoding::Sri, true)
    }

    /// XOR-folds the digest to `size` bytes: byte `i` goes into `i % size` (Nix's
    /// `compressHash`, used for the 160-bit store path digest).
    pub fn compress(&self, size: usize) -> Vec<u8> {
        let mut out = vec![0u8; size];
        if size == 0 {
            return out;
        }
        for (i, b) in self.bytes.iter().enumerate() {
            out[i % size] ^= b;
        }
        out
    }

    /// Parses `algo:hash`, `algo-sri` or a bare hash whose algorithm `algo` gives
    /// (Nix's `Hash::parseAny`). When both are present they must agree.
    pub fn parse_any(input: &str, algo: Option<HashAlgo>) -> Result<Hash> {
        let (prefix, rest, is_sri) = split_prefix(input)?;
        let algo = match (prefix, algo) {
            (Some(p), Some(a)) if p != a => {
                return Err(Error::HashAlgoMismatch {
                    input: input.to_owned(),
                    expected: a,
                })
            }
            (Some(p), _) => p,
            (None, Some(a)) => a,
            (None, None) => {
                return Err(Error::HashWithoutAlgo {
                    input: rest.to_owned(),
                })
            }
        };
        Hash::decode_body(rest, algo, is_sri)
    }

    /// Parses a hash that must name its algorithm (`algo:hash` or SRI), as Nix's
    /// `Hash::parseAnyPrefixed`.
    pub fn parse_prefixed(input: &str) -> Result<Hash> {
        match split_prefix(input)? {
            (Some(algo), rest, is_sri) => Hash::decode_body(rest, algo, is_sri),
            (None, rest, _) => Err(Error::HashNotPrefixed {
                input: rest.to_owned(),
            }),
        }
    }

    /// Parses an SRI hash `algo-base64` (Nix's `Hash::parseSRI`).
    pub fn parse_sri(input: &str) -> Result<Hash> {
        let (name, rest) = input.split_once('-').ok_or_else(|| Error::NotSri {
            input: input.to_owned(),
        })?;
        Hash::decode_body(rest, HashAlgo::parse(name)?, true)
    }

    /// Parses a bare hash in base 16, nix32 or base 64 (Nix's `parseNonSRIUnprefixed`, used for
    /// the hash field of a `.drv` output).
    pub fn parse_bare(input: &str, algo: HashAlgo) -> Result<Hash> {
        Hash::decode_body(input, algo, false)
    }

    /// Like [`Hash::parse_any`], but an empty text yields the all-zero hash, as `outputHash = ""`
    /// does in Nix (`newHashAllowEmpty`). The boolean says the text was empty, so that the
    /// caller can warn as Nix does ("found empty hash, assuming '…'").
    pub fn parse_allow_empty(input: &str, algo: Option<HashAlgo>) -> Result<(Hash, bool)> {
        if !input.is_empty() {
            return Ok((Hash::parse_any(input, algo)?, false));
        }
        match algo {
            Some(algo) => Ok((Hash::zero(algo), true)),
            None => Err(Error::EmptyHashWithoutAlgo),
        }
    }

    fn decode_body(body: &str, algo: HashAlgo, is_sri: bool) -> Result<Hash> {
        let invalid = |encoding: &'static str| Error::InvalidHashEncoding {
            encoding,
            input: body.to_owned(),
        };
        let bytes = if !is_sri && body.len() == algo.base16_len() {
            decode_base16(body).ok_or_else(|| invalid("base-16"))?
        } else if !is_sri && body.len() == algo.nix32_len() {
            nix32::decode(body, algo.size())?
        } else if is_sri || body.len() == algo.base64_len() {
            let bytes = decode_base64(body)?;
            if bytes.len() != algo.size() {
                return Err(invalid(if is_sri { "SRI" } else { "base-64" }));
            }
            bytes
        } else {
            return Err(Error::HashWrongLength {
                input: body.to_owned(),
                algo,
                expected: vec![algo.base16_len(), algo.nix32_len(), algo.base64_len()],
            });
        };
        Ok(Hash { algo, bytes })
    }
}

/// Splits an `algo:` or (SRI) `algo-` prefix off, as Nix's `getParsedTypeAndSRI`.
fn split_prefix(input: &str) -> Result<(Option<HashAlgo>, &str, bool)> {
    if let Some((name, rest)) = input.split_once(':') {
        return Ok((Some(HashAlgo::parse(name)?), rest, false));
    }
    if let Some((name, rest)) = input.split_once('-') {
        return Ok((Some(HashAlgo::parse(name)?), rest, true));
    }
    Ok((None, input, false))
}

fn decode_base16(s: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    s.as_bytes()
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

/// Base 64 as Nix 2.8 decodes it: stops at the first `=`, skips newlines, and tolerates
/// missing padding.
fn decode_base64(s: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.chars() {
        if c == '=' {
            break;
        }
        if c == '\n' {
            continue;
        }
        let digit = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '+' => 62,
            '/' => 63,
            _ => {
                return Err(Error::InvalidBase64Char {
                    input: s.to_owned(),
                    character: c,
                })
            }
        };
        acc = (acc << 6 | digit) & 0xffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode(HashEncoding::Base16, true))
    }
}

/// Prints as Nix's default `algo:nix32` form.
impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode(HashEncoding::Nix32, true))
    }
}

/// A running hash computation; also an [`io::Write`] sink, so that a NAR or a file can be
/// streamed into it without being held in memory.
#[derive(Clone)]
pub struct Hasher {
    state: State,
    written: u64,
}

#[derive(Clone)]
enum State {
    Md5(Md5),
    Sha1(Sha1),
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    pub fn new(algo: HashAlgo) -> Hasher {
        let state = match algo {
            HashAlgo::Md5 => State::Md5(Md5::new()),
            HashAlgo::Sha1 => State::Sha1(Sha1::new()),
            HashAlgo::Sha256 => State::Sha256(Sha256::new()),
            HashAlgo::Sha512 => State::Sha512(Sha512::new()),
        };
        Hasher { state, written: 0 }
    }

    pub fn update(&mut self, data: &[u8]) {
        self.written += data.len() as u64;
        match &mut self.state {
            State::Md5(h) => h.update(data),
            State::Sha1(h) => h.update(data),
            State::Sha256(h) => h.update(data),
            State::Sha512(h) => h.update(data),
        }
    }

    /// The number of bytes hashed so far (a NAR's size, when hashing a NAR).
    pub fn bytes_written(&self) -> u64 {
        self.written
    }

    pub fn finish(self) -> Hash {
        let (algo, bytes) = match self.state {
            State::Md5(h) => (HashAlgo::Md5, h.finalize().to_vec()),
            State::Sha1(h) => (HashAlgo::Sha1, h.finalize().to_vec()),
            State::Sha256(h) => (HashAlgo::Sha256, h.finalize().to_vec()),
            State::Sha512(h) => (HashAlgo::Sha512, h.finalize().to_vec()),
        };
        Hash { algo, bytes }
    }
}

impl io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hashes of "abc", each as Nix 2.8.0 prints it. Base 16: `builtins.hashString ALGO
    /// "abc"`; nix32: `nix-hash --type ALGO --to-base32 HEX`; base 64 and SRI:
    /// `nix hash to-base64 --type ALGO HEX`, `nix hash to-sri --type ALGO HEX`.
    const ABC: &[(HashAlgo, &str, &str, &str)] = &[
        (HashAlgo::Md5, "900150983cd24fb0d6963f7d28e17f72", "3jgzhjhz9zjvbb0kyj7jc500ch", "kAFQmDzST7DWlj99KOF/cg=="),
        (
            HashAlgo::Sha1,
            "a9993e364706816aba3e25717850c26c9cd0d89d",
            "kpcd173cq987hw957sx6m0868wv3x6d9",
            "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=",
        ),
        (
            HashAlgo::Sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s",
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
        ),
        (
            HashAlgo::Sha512,
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            "2gs8k559z4rlahfx0y688s49m2vvszylcikrfinm30ly9rak69236nkam5ydvly1ai7xac99vxfc4ii84hawjbk876blyk1jfhkbbyx",
            "3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==",
        ),
    ];

    #[test]
    fn hashes_and_prints_in_every_encoding() {
        for &(algo, b16, b32, b64) in ABC {
            let h = Hash::of(algo, b"abc");
            assert_eq!(h.to_base16(), b16);
            assert_eq!(h.to_nix32(), b32);
            assert_eq!(h.encode(HashEncoding::Base64, false), b64);
            assert_eq!(h.to_sri(), format!("{algo}-{b64}"));
            assert_eq!(
                h.encode(HashEncoding::Base16, true),
                format!("{algo}:{b16}")
            );
        }
    }

    #[test]
    fn parses_every_encoding_back() {
        for &(algo, b16, b32, b64) in ABC {
            let h = Hash::of(algo, b"abc");
            for body in [b16, b32, b64] {
                assert_eq!(Hash::parse_any(body, Some(algo)).expect("bare"), h);
                assert_eq!(
                    Hash::parse_any(&format!("{algo}:{body}"), None).expect("prefixed"),
                    h
                );
                assert_eq!(
                    Hash::parse_prefixed(&format!("{algo}:{body}")).expect("prefixed"),
                    h
                );
            }
            assert_eq!(Hash::parse_sri(&format!("{algo}-{b64}")).expect("sri"), h);
            assert_eq!(
                Hash::parse_any(&format!("{algo}-{b64}"), Some(algo)).expect("sri"),
                h
            );
        }
    }

    #[test]
    fn streams_through_the_write_sink() {
        use std::io::Write;
        let mut hasher = Hasher::new(HashAlgo::Sha256);
        hasher
            .write_all(b"a")
            .and_then(|_| hasher.write_all(b"bc"))
            .expect("in memory");
        assert_eq!(hasher.bytes_written(), 3);
        assert_eq!(hasher.finish(), Hash::sha256(b"abc"));
    }

    #[test]
    fn accepts_upper_case_base16_and_lenient_base64() {
        // `outputHash = "BA78…15AD"` with `outputHashAlgo = "sha256"` is accepted by Nix 2.8.0.
        let upper = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
        assert_eq!(
            Hash::parse_any(upper, Some(HashAlgo::Sha256)).expect("hex"),
            Hash::sha256(b"abc")
        );
        // `outputHash = "sha256-ungW…Fa0"` (no padding) and `"…Fa0==="` are accepted too.
        for sri in [
            "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0",
            "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0===",
        ] {
            assert_eq!(
                Hash::parse_any(sri, None).expect("sri"),
                Hash::sha256(b"abc")
            );
        }
    }

    /// Each message is the one Nix 2.8.0 gives for the same input, from
    /// `nix hash to-base16 INPUT` or `(derivation {…; outputHash = INPUT; …}).drvPath`.
    #[test]
    fn errors_match_nix() {
        let sha256 = Some(HashAlgo::Sha256);
        let msg = |r: Result<Hash>| r.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg(Hash::parse_any("sha256:abc", None))
            .starts_with("hash 'abc' has wrong length for hash type 'sha256'"));
        assert_eq!(
            msg(Hash::parse_any("sha256-abc", None)),
            "invalid SRI hash 'abc'"
        );
        assert_eq!(
            msg(Hash::parse_any("foo:abc", None)),
            "unknown hash algorithm 'foo'"
        );
        assert_eq!(
            msg(Hash::parse_any("foo-AAAA", None)),
            "unknown hash algorithm 'foo'"
        );
        assert_eq!(
            msg(Hash::parse_any("abc", None)),
            "hash 'abc' does not include a type, nor is the type otherwise known from context"
        );
        assert_eq!(
            msg(Hash::parse_any("md5:abc", sha256)),
            "hash 'md5:abc' should have type 'sha256'"
        );
        assert_eq!(
            msg(Hash::parse_any("ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", sha256)),
            "invalid base-16 hash 'ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'"
        );
        assert_eq!(
            msg(Hash::parse_any("md5:zzzzzzzzzzzzzzzzzzzzzzzzzz", None)),
            "invalid base-32 hash 'zzzzzzzzzzzzzzzzzzzzzzzzzz'"
        );
        assert!(msg(Hash::parse_any("md5:kAFQmDzST7DWlj99KOF/cg", None))
            .starts_with("hash 'kAFQmDzST7DWlj99KOF/cg' has wrong length for hash type 'md5'"));
        assert!(msg(Hash::parse_any(
            "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIA!a0=",
            None
        ))
        .starts_with("invalid character in Base64 string: '!'"));
        assert_eq!(
            msg(Hash::parse_allow_empty("", None).map(|(h, _)| h)),
            "empty hash requires explicit hash type"
        );
    }

    #[test]
    fn empty_output_hash_is_zero() {
        // `outputHash = ""; outputHashAlgo = "sha256";` warns in Nix 2.8.0:
        // found empty hash, assuming 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='
        let (h, was_empty) = Hash::parse_allow_empty("", Some(HashAlgo::Sha256)).expect("allowed");
        assert!(was_empty);
        assert_eq!(
            h.to_sri(),
            "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        );
    }

    #[test]
    fn compresses_by_xor_folding() {
        // `printf abc > abc.txt; nix-hash --flat --type sha256 --truncate abc.txt` and
        // `… --type sha512 --truncate` (Nix 2.8.0) print these 160-bit folds.
        assert_eq!(
            HEXLOWER.encode(&Hash::sha256(b"abc").compress(20)),
            "2c6f6c233b11308bb34155735dae2223b00361a3"
        );
        let sha512 = Hash::of(HashAlgo::Sha512, b"abc");
        assert_eq!(
            HEXLOWER.encode(&sha512.compress(20)),
            "c7f0d3bf3a017fe1c259e4f0eb8e30151f33f2a9"
        );
        // `nix-hash --flat --type sha256 --truncate --base32 abc.txt`
        assert_eq!(
            nix32::encode(&Hash::sha256(b"abc").compress(20)),
            "ldhh7c134ap5swsm86rqnc0i7cinqvrc"
        );
    }
}

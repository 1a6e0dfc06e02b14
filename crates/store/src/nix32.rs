//! Nix's base-32 encoding ("nix32").
//!
//! Nix prints hashes and store path digests in base 32 with its own alphabet (the digits and
//! the lower-case letters without `e`, `o`, `u` and `t`) and its own digit order: the string
//! is the hash read as one little-endian number, most significant digit first. So the first
//! character encodes the *last* byte's high bits, not the first byte's. A 20-byte store path
//! digest fills exactly 32 digits; other sizes leave a few unused high bits in the first digit,
//! which must be zero for the string to be canonical.

use crate::error::Error;

/// The 32 digits, in ascending ASCII order (so string order is numeric order).
pub const ALPHABET: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";

/// The number of nix32 characters that encode `byte_len` bytes.
pub const fn encoded_len(byte_len: usize) -> usize {
    if byte_len == 0 {
        0
    } else {
        (byte_len * 8 - 1) / 5 + 1
    }
}

/// Encodes bytes in nix32.
pub fn encode(bytes: &[u8]) -> String {
    let len = encoded_len(bytes.len());
    let mut out = String::with_capacity(len);
    for n in (0..len).rev() {
        out.push(ALPHABET[digit_at(bytes, n) as usize] as char);
    }
    out
}

/// Decodes a nix32 string into `byte_len` bytes. Rejects a wrong length, characters outside
/// the alphabet and set bits beyond the last byte (a non-canonical encoding).
pub fn decode(s: &str, byte_len: usize) -> Result<Vec<u8>, Error> {
    let invalid = || Error::InvalidHashEncoding {
        encoding: "base-32",
        input: s.to_owned(),
    };
    if s.len() != encoded_len(byte_len) {
        return Err(invalid());
    }
    let mut bytes = vec![0u8; byte_len];
    for (n, c) in s.bytes().rev().enumerate() {
        let digit = digit_value(c).ok_or_else(invalid)?;
        let bit = n * 5;
        let (i, j) = (bit / 8, bit % 8);
        bytes[i] |= digit << j;
        let carry = (u16::from(digit) >> (8 - j)) as u8;
        if i + 1 < byte_len {
            bytes[i + 1] |= carry;
        } else if carry != 0 {
            return Err(invalid());
        }
    }
    Ok(bytes)
}

/// The value of one nix32 digit, if `c` is one.
pub fn digit_value(c: u8) -> Option<u8> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u8)
}

/// The `n`th 5-bit digit, counting from the least significant.
fn digit_at(bytes: &[u8], n: usize) -> u8 {
    let bit = n * 5;
    let (i, j) = (bit / 8, bit % 8);
    let low = bytes[i] >> j;
    let high = match bytes.get(i + 1) {
        Some(&next) if j > 3 => next << (8 - j),
        _ => 0,
    };
    (low | high) & 0x1f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        data_encoding::HEXLOWER
            .decode(s.as_bytes())
            .expect("test hex")
    }

    // Vectors: `nix-hash --type T --to-base32 HEX` (Nix 2.8.0), HEX the hash of "abc" or "".
    const VECTORS: &[(&str, &str)] = &[
        ("900150983cd24fb0d6963f7d28e17f72", "3jgzhjhz9zjvbb0kyj7jc500ch"),
        ("d41d8cd98f00b204e9800998ecf8427e", "3y8bwfr609h3lh9ch0izcqq7fl"),
        ("a9993e364706816aba3e25717850c26c9cd0d89d", "kpcd173cq987hw957sx6m0868wv3x6d9"),
        (
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s",
        ),
        (
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            "2gs8k559z4rlahfx0y688s49m2vvszylcikrfinm30ly9rak69236nkam5ydvly1ai7xac99vxfc4ii84hawjbk876blyk1jfhkbbyx",
        ),
    ];

    #[test]
    fn encodes_and_decodes_oracle_vectors() {
        for (hex, b32) in VECTORS {
            let bytes = unhex(hex);
            assert_eq!(encode(&bytes), *b32);
            assert_eq!(decode(b32, bytes.len()).expect("valid"), bytes);
        }
    }

    #[test]
    fn rejects_letters_outside_the_alphabet() {
        // `nix hash to-base16 sha256:1b8m…cy5e` says: invalid base-32 hash '1b8m…cy5e'
        let s = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5e";
        assert!(decode(s, 32).is_err());
    }

    #[test]
    fn rejects_non_canonical_high_bits() {
        // `nix hash to-base16 md5:zzzzzzzzzzzzzzzzzzzzzzzzzz` says: invalid base-32 hash
        // (26 digits carry 130 bits; the top two must be zero for 16 bytes).
        assert!(decode("zzzzzzzzzzzzzzzzzzzzzzzzzz", 16).is_err());
        // `nix hash to-base16 sha256:zb8m…cy5s` says: invalid base-32 hash
        assert!(decode("zb8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s", 32).is_err());
    }

    #[test]
    fn rejects_wrong_length() {
        assert!(decode("3jgzhjhz9zjvbb0kyj7jc500c", 16).is_err());
    }
}

//! The worker protocol's framing: every number is a little-endian `u64`; a string is its
//! length, its bytes and zero bytes up to a multiple of 8; a list is its length and its
//! elements. The same framing as a NAR's (`docs/store.md`).

use std::io::{self, Read, Write};

/// Strings longer than this are taken for a broken stream, not allocated.
const MAX_STRING: u64 = 1 << 32;

pub fn write_u64(w: &mut impl Write, n: u64) -> io::Result<()> {
    w.write_all(&n.to_le_bytes())
}

pub fn write_bool(w: &mut impl Write, b: bool) -> io::Result<()> {
    write_u64(w, u64::from(b))
}

pub fn write_bytes(w: &mut impl Write, s: &[u8]) -> io::Result<()> {
    write_u64(w, s.len() as u64)?;
    w.write_all(s)?;
    let pad = (8 - s.len() % 8) % 8;
    w.write_all(&[0u8; 8][..pad])
}

pub fn write_str(w: &mut impl Write, s: &str) -> io::Result<()> {
    write_bytes(w, s.as_bytes())
}

pub fn write_strings<S: AsRef<str>>(w: &mut impl Write, items: &[S]) -> io::Result<()> {
    write_u64(w, items.len() as u64)?;
    for s in items {
        write_str(w, s.as_ref())?;
    }
    Ok(())
}

pub fn read_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

pub fn read_bool(r: &mut impl Read) -> io::Result<bool> {
    Ok(read_u64(r)? != 0)
}

pub fn read_bytes(r: &mut impl Read) -> io::Result<Vec<u8>> {
    let len = read_u64(r)?;
    if len > MAX_STRING {
        return Err(invalid(format!("a string of {len} bytes")));
    }
    let mut s = vec![0u8; len as usize];
    r.read_exact(&mut s)?;
    let pad = ((8 - len % 8) % 8) as usize;
    let mut zeros = [0u8; 8];
    r.read_exact(&mut zeros[..pad])?;
    if zeros.iter().any(|&b| b != 0) {
        return Err(invalid("non-zero padding after a string".into()));
    }
    Ok(s)
}

pub fn read_string(r: &mut impl Read) -> io::Result<String> {
    String::from_utf8(read_bytes(r)?).map_err(|_| invalid("a string that is not UTF-8".into()))
}

pub fn read_strings(r: &mut impl Read) -> io::Result<Vec<String>> {
    let n = read_u64(r)?;
    if n > MAX_STRING {
        return Err(invalid(format!("a list of {n} strings")));
    }
    (0..n).map(|_| read_string(r)).collect()
}

pub(crate) fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// The framed stream of `AddToStore`: chunks, each its length and its bytes (no padding),
/// then a chunk of length 0.
pub struct FramedWriter<'a, W: Write> {
    inner: &'a mut W,
    buf: Vec<u8>,
}

const FRAME: usize = 32 * 1024;

impl<'a, W: Write> FramedWriter<'a, W> {
    pub fn new(inner: &'a mut W) -> Self {
        FramedWriter {
            inner,
            buf: Vec::with_capacity(FRAME),
        }
    }

    fn flush_frame(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            write_u64(self.inner, self.buf.len() as u64)?;
            self.inner.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Sends what is left and the closing empty frame.
    pub fn finish(mut self) -> io::Result<()> {
        self.flush_frame()?;
        write_u64(self.inner, 0)
    }
}

impl<W: Write> Write for FramedWriter<'_, W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = data.len().min(FRAME - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == FRAME {
            self.flush_frame()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

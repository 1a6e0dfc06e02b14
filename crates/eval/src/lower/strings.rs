//! String literal semantics: escapes and the indentation stripping of `''…''` strings,
//! reproducing the Nix 2.8 lexer and parser (`unescapeStr`, `stripIndentation`).

/// A piece of a string literal before interpolations are lowered.
pub enum Piece<I> {
    /// Literal bytes. `indented` marks ordinary `''…''` text, whose leading spaces may be
    /// stripped; escapes (`''$`, `'''`, `''\x`) and double-quoted text never are.
    Text {
        bytes: Vec<u8>,
        indented: bool,
    },
    Interpolation(I),
}

/// Unescapes the body of a double-quoted string segment: `\n`, `\r`, `\t`, `\x` → `x`, and
/// CR or CR LF normalised to LF, exactly as Nix's lexer does.
pub fn unescape_double_quoted(raw: &str) -> Vec<u8> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        i += 1;
        if c == b'\\' && i < bytes.len() {
            let e = bytes[i];
            i += 1;
            out.push(match e {
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                other => other,
            });
        } else if c == b'\r' {
            out.push(b'\n');
            if bytes.get(i) == Some(&b'\n') {
                i += 1;
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits the raw text of an indented-string segment into Nix's lexer tokens.
pub fn lex_indented_segment(raw: &str, out: &mut Vec<Piece<()>>) {
    let b = raw.as_bytes();
    let mut i = 0;
    let mut text = Vec::new();
    let flush = |text: &mut Vec<u8>, out: &mut Vec<Piece<()>>| {
        if !text.is_empty() {
            out.push(Piece::Text {
                bytes: std::mem::take(text),
                indented: true,
            });
        }
    };
    while i < b.len() {
        if b[i] == b'\'' && b.get(i + 1) == Some(&b'\'') {
            // An escape; the closing `''` never reaches us.
            match b.get(i + 2) {
                Some(b'$') => {
                    flush(&mut text, out);
                    out.push(Piece::Text {
                        bytes: b"$".to_vec(),
                        indented: false,
                    });
                    i += 3;
                }
                Some(b'\'') => {
                    flush(&mut text, out);
                    out.push(Piece::Text {
                        bytes: b"''".to_vec(),
                        indented: false,
                    });
                    i += 3;
                }
                Some(b'\\') if i + 3 < b.len() => {
                    flush(&mut text, out);
                    // `''\` escapes one character (a whole UTF-8 sequence) through unescapeStr.
                    let ch_len = utf8_len(b[i + 3]);
                    let end = (i + 3 + ch_len).min(b.len());
                    let esc = &raw[i + 2..end];
                    out.push(Piece::Text {
                        bytes: unescape_double_quoted(esc),
                        indented: false,
                    });
                    i = end;
                }
                _ => {
                    text.push(b[i]);
                    i += 1;
                }
            }
        } else if b[i] == b'$' && i + 1 == b.len() {
            // A lone `$` before the end of the segment is its own token in Nix's lexer.
            flush(&mut text, out);
            out.push(Piece::Text {
                bytes: b"$".to_vec(),
                indented: false,
            });
            i += 1;
        } else if b[i] == b'\'' && i + 1 == b.len() {
            flush(&mut text, out);
            out.push(Piece::Text {
                bytes: b"'".to_vec(),
                indented: false,
            });
            i += 1;
        } else {
            text.push(b[i]);
            i += 1;
        }
    }
    flush(&mut text, out);
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Nix's `stripIndentation`: removes the common leading spaces of an indented string and a
/// final line made only of spaces. Interpolations and escapes end a line's indentation.
pub fn strip_indentation<I>(pieces: Vec<Piece<I>>) -> Vec<Piece<I>> {
    let mut at_line_start = true;
    let mut min_indent = usize::MAX;
    let mut cur_indent = 0;
    for p in &pieces {
        match p {
            Piece::Text {
                bytes,
                indented: true,
            } => {
                for &c in bytes {
                    if at_line_start {
                        if c == b' ' {
                            cur_indent += 1;
                        } else if c == b'\n' {
                            cur_indent = 0;
                        } else {
                            at_line_start = false;
                            min_indent = min_indent.min(cur_indent);
                        }
                    } else if c == b'\n' {
                        at_line_start = true;
                        cur_indent = 0;
                    }
                }
            }
            _ => {
                if at_line_start {
                    at_line_start = false;
                    min_indent = min_indent.min(cur_indent);
                }
            }
        }
    }
    if min_indent == usize::MAX {
        min_indent = 1_000_000;
    }

    let count = pieces.len();
    let mut out = Vec::with_capacity(count);
    at_line_start = true;
    let mut dropped = 0;
    for (idx, p) in pieces.into_iter().enumerate() {
        match p {
            Piece::Text { bytes, .. } => {
                let mut s = Vec::with_capacity(bytes.len());
                for c in bytes {
                    if at_line_start {
                        if c == b' ' {
                            if dropped >= min_indent {
                                s.push(c);
                            }
                            dropped += 1;
                        } else if c == b'\n' {
                            dropped = 0;
                            s.push(c);
                        } else {
                            at_line_start = false;
                            dropped = 0;
                            s.push(c);
                        }
                    } else {
                        s.push(c);
                        if c == b'\n' {
                            at_line_start = true;
                        }
                    }
                }
                if idx + 1 == count {
                    if let Some(p) = s.iter().rposition(|&c| c == b'\n') {
                        if s[p + 1..].iter().all(|&c| c == b' ') {
                            s.truncate(p + 1);
                        }
                    }
                }
                out.push(Piece::Text {
                    bytes: s,
                    indented: false,
                });
            }
            Piece::Interpolation(i) => {
                at_line_start = false;
                dropped = 0;
                out.push(Piece::Interpolation(i));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(raw: &str) -> String {
        let mut pieces = Vec::new();
        lex_indented_segment(raw, &mut pieces);
        let out = strip_indentation(pieces);
        let mut s = Vec::new();
        for p in out {
            if let Piece::Text { bytes, .. } = p {
                s.extend(bytes);
            }
        }
        String::from_utf8(s).unwrap()
    }

    #[test]
    fn strips_common_indentation() {
        // The Nix manual: "the indentation of the least indented line is removed".
        assert_eq!(strip("  a\n    b\n  "), "a\n  b\n");
    }

    #[test]
    fn escapes_are_not_indentation() {
        assert_eq!(strip("  ''$x\n  '''\n"), "$x\n''\n");
        assert_eq!(strip("a''\\nb"), "a\nb");
    }

    #[test]
    fn double_quoted_escapes() {
        assert_eq!(
            unescape_double_quoted("a\\n\\t\\\\\\$\r\nb\rc"),
            b"a\n\t\\$\nb\nc".to_vec()
        );
    }
}

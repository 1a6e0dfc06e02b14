//! The format of the golden cases (`nix-fixtures/README.md`): what a case's expectation
//! files promise, how its flags are split, how outputs are normalised and differences shown.
//! Expectations come only from the reference Nix, through the `scripts/bless-*.sh` scripts;
//! nothing here writes them.

use std::fmt::Write as _;
use std::path::Path;

/// How many lines of each side a stdout mismatch shows around the first difference.
const DIFF_CONTEXT: usize = 3;
/// The longest line a report shows in full.
const MAX_LINE: usize = 300;

/// What a case's `.exp` promises.
pub enum Expectation {
    /// The exact standard output (bytes: Nix prints strings' bytes raw, and a case may hold
    /// invalid UTF-8 on purpose), and the standard error where a `.stderr.exp` exists.
    Success {
        stdout: Vec<u8>,
        stderr: Option<String>,
    },
    /// A failure, and where in the case file Nix located it (`LINE:COL`), if it did.
    Failure { pos: Option<String> },
}

pub fn is_failure_case(name: &str) -> bool {
    name.starts_with("eval-fail-") || name.starts_with("parse-fail-")
}

/// `<case>.ntop.exp` records a deliberate difference from Nix 2.8: `#` lines say why (at least
/// one is required), then either `status=`/`pos=` lines (ntop fails where Nix did not) or the
/// expected standard output. The reference `.exp` stays beside it as the record of what Nix does.
pub fn read_deliberate_difference(dir: &Path, name: &str) -> Result<Option<Expectation>, String> {
    let path = dir.join(format!("{name}.ntop.exp"));
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let reasons = text.lines().take_while(|l| l.starts_with('#')).count();
    if reasons == 0 {
        return Err(format!(
            "{}: a deliberate difference must say why in `#` lines",
            path.display()
        ));
    }
    let body: Vec<&str> = text.lines().skip(reasons).collect();
    if body.iter().any(|l| l.starts_with("status=")) {
        let pos = body
            .iter()
            .find_map(|l| l.strip_prefix("pos="))
            .map(str::to_owned);
        return Ok(Some(Expectation::Failure { pos }));
    }
    let mut stdout = body.join("\n");
    stdout.push('\n');
    Ok(Some(Expectation::Success {
        stdout: stdout.into_bytes(),
        stderr: None,
    }))
}

pub fn read_expectation(dir: &Path, name: &str) -> Result<Expectation, String> {
    if let Some(e) = read_deliberate_difference(dir, name)? {
        return Ok(e);
    }
    let exp_path = dir.join(format!("{name}.exp"));
    let exp = std::fs::read(&exp_path).map_err(|e| {
        format!(
            "cannot read {}: {e} (bless it with scripts/bless-lang.sh)",
            exp_path.display()
        )
    })?;
    if !is_failure_case(name) {
        let stderr_path = dir.join(format!("{name}.stderr.exp"));
        let stderr = stderr_path
            .exists()
            .then(|| read_lossy(&stderr_path))
            .transpose()
            .map_err(|e| format!("cannot read {}: {e}", stderr_path.display()))?;
        return Ok(Expectation::Success {
            stdout: exp,
            stderr,
        });
    }
    let exp = String::from_utf8_lossy(&exp);
    let mut saw_status = false;
    let mut pos = None;
    for line in exp.lines() {
        if let Some(status) = line.strip_prefix("status=") {
            saw_status = status.parse::<i32>().is_ok_and(|s| s != 0);
        } else if let Some(p) = line.strip_prefix("pos=") {
            pos = Some(p.to_owned());
        }
    }
    if !saw_status {
        return Err(format!(
            "{}: no non-zero `status=` line",
            exp_path.display()
        ));
    }
    Ok(Expectation::Failure { pos })
}

/// A file's text; bytes that are not UTF-8 become U+FFFD, as they do in captured standard
/// error (messages are compared as text).
fn read_lossy(path: &Path) -> std::io::Result<String> {
    Ok(String::from_utf8_lossy(&std::fs::read(path)?).into_owned())
}

/// Splits on whitespace; a single-quoted stretch is literal and may hold whitespace; quoted and
/// unquoted text next to each other form one word. (The same rule as `scripts/bless-lang.sh`.)
pub fn split_flags(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quoted = false;
    for ch in text.chars() {
        if quoted {
            if ch == '\'' {
                quoted = false;
            } else {
                word.push(ch);
            }
        } else if ch == '\'' {
            quoted = true;
            in_word = true;
        } else if ch.is_whitespace() {
            if in_word {
                words.push(std::mem::take(&mut word));
            }
            in_word = false;
        } else {
            word.push(ch);
            in_word = true;
        }
    }
    if quoted {
        return Err("unterminated single quote".to_owned());
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

pub fn normalise(text: &str, dir: &Path) -> String {
    text.replace(dir.to_str().unwrap_or("\0"), "@DIR@")
}

/// `normalise` over raw bytes.
pub fn normalise_bytes(bytes: &[u8], dir: &Path) -> Vec<u8> {
    let needle = dir.as_os_str().as_encoded_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while !needle.is_empty() {
        match rest.windows(needle.len()).position(|w| w == needle) {
            Some(i) => {
                out.extend_from_slice(&rest[..i]);
                out.extend_from_slice(b"@DIR@");
                rest = &rest[i + needle.len()..];
            }
            None => break,
        }
    }
    out.extend_from_slice(rest);
    out
}

/// A short account of how `got` differs from `expected`: the first differing line with a few
/// lines of context from each side.
pub fn short_diff(expected: &str, got: &str) -> String {
    let exp: Vec<&str> = expected.split_inclusive('\n').collect();
    let got_lines: Vec<&str> = got.split_inclusive('\n').collect();
    let first = exp
        .iter()
        .zip(&got_lines)
        .position(|(a, b)| a != b)
        .unwrap_or(exp.len().min(got_lines.len()));
    let from = first.saturating_sub(DIFF_CONTEXT);
    let mut out = format!("first difference at line {}\n", first + 1);
    for (label, lines) in [("expected", &exp), ("got", &got_lines)] {
        let _ = writeln!(out, "--- {label} ({} line(s)):", lines.len());
        for line in lines.iter().skip(from).take(2 * DIFF_CONTEXT + 1) {
            let _ = writeln!(out, "  {}", shorten(&format!("{line:?}")));
        }
    }
    out
}

pub fn excerpt(text: &str, max_lines: usize) -> String {
    let mut out = String::new();
    for line in text.lines().take(max_lines) {
        let _ = writeln!(out, "  {}", shorten(line));
    }
    if text.lines().count() > max_lines {
        out.push_str("  …\n");
    }
    out
}

fn shorten(line: &str) -> String {
    if line.chars().count() <= MAX_LINE {
        return line.to_owned();
    }
    let head: String = line.chars().take(MAX_LINE).collect();
    format!("{head}… ({} chars)", line.chars().count())
}

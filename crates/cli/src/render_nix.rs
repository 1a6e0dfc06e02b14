//! Errors in C++ Nix's own plain-text layout, for the `nix-instantiate` personality (and
//! `--error-format nix`): scripts and test suites written against Nix match on this text.
//!
//! ```text
//! error: undefined variable 'b'
//!
//!        at «string»:2:7:
//!
//!             1| ''
//!             2|   a ${b}
//!              |       ^
//!             3| ''
//! ```

use std::fmt::Write as _;

use ntop_eval::error::{ErrorKind, EvalError};
use ntop_eval::source::{self, Span};

/// Renders an evaluation error as Nix 2.8 prints it (frames only with `--show-trace`). Like
/// Nix, ANSI escapes in messages (nixpkgs' module system colours some) are dropped when standard
/// error is not a terminal.
pub fn render(e: &EvalError, show_trace: bool) -> String {
    let text = render_raw(e, show_trace);
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        text
    } else {
        strip_ansi(&text)
    }
}

/// Removes ANSI escape sequences (`ESC [ … letter`).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn render_raw(e: &EvalError, show_trace: bool) -> String {
    let data = e.data();
    let mut out = String::new();
    if let ErrorKind::Syntax(errors) = &data.kind {
        if let Some(first) = errors.first() {
            let _ = writeln!(out, "error: {}", first.message);
            position(&mut out, first.span);
        }
        return out;
    }
    let _ = writeln!(out, "error: {}", data.kind);
    if let Some(span) = data.span {
        position(&mut out, span);
    }
    for note in &data.notes {
        let _ = writeln!(out, "\n       {note}");
    }
    if show_trace {
        for f in &data.frames {
            let _ = writeln!(out, "\n       … {}", f.message);
            if let Some(span) = f.span {
                position(&mut out, span);
            }
        }
    } else if !data.frames.is_empty() {
        out.push_str("(use '--show-trace' to show detailed location information)\n");
    }
    out
}

/// `at FILE:LINE:COL:` and the source lines around it with a caret, as Nix shows them.
fn position(out: &mut String, span: Span) {
    let file = source::source(span.file);
    let (line, col) = file.line_col(span.start);
    let _ = writeln!(out, "\n       at {}:{line}:{col}:\n", file.display_name());
    let lines: Vec<&str> = file.text.split('\n').collect();
    let first = line.saturating_sub(1).max(1);
    let last = (line + 1).min(lines.len() as u32);
    for n in first..=last {
        let Some(text) = lines.get(n as usize - 1) else {
            continue;
        };
        if text.len() > 400 {
            continue;
        }
        let _ = writeln!(out, "{:>13}| {text}", n);
        if n == line {
            let _ = writeln!(
                out,
                "{:>13}| {}^",
                "",
                " ".repeat(col.saturating_sub(1) as usize)
            );
        }
    }
    out.push('\n');
}

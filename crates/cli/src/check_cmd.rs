//! `ntop check FILE…`: static analysis without evaluating.
//!
//! Every finding is printed to standard output (it is what the command produces), as a miette
//! report or one JSON object per line; a summary goes to standard error in the human format.
//! The exit status is 1 when any error-severity finding (or an unreadable file) exists, 0 when
//! there are only warnings or nothing.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use ntop_eval::check;
use ntop_eval::diagnostic::{Diagnostic, Severity};
use ntop_eval::source::{add_source, Origin};

use crate::args::{CheckArgs, ColorChoice, ErrorFormat};
use crate::render::Renderer;

pub fn check(a: CheckArgs) -> i32 {
    let color = match a.color {
        ColorChoice::Auto if !std::io::stdout().is_terminal() => ColorChoice::Never,
        other => other,
    };
    let renderer = Renderer::new(color, a.error_format, false);
    let (mut errors, mut warnings) = (0usize, 0usize);
    let mut out = std::io::stdout().lock();
    for name in &a.files {
        let diagnostics = match read(name) {
            Ok(text) => {
                let origin = if name == "-" {
                    Origin::Text("«stdin»".into())
                } else {
                    Origin::File(PathBuf::from(name))
                };
                let file = add_source(origin, text.as_str().into());
                check::analyse(file, &text).diagnostics
            }
            Err(e) => vec![Diagnostic::new(
                "cli::read",
                Severity::Error,
                format!("cannot read '{name}': {e}"),
                None,
            )],
        };
        for d in &diagnostics {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
            let mut text = renderer.diagnostic(d);
            if a.error_format == ErrorFormat::Human {
                // One blank line between reports.
                text = format!("{}\n\n", text.trim_end());
            }
            if out.write_all(text.as_bytes()).is_err() {
                // A closed pipe (`ntop check … | head`): stop quietly, with the right status.
                return i32::from(errors > 0);
            }
        }
    }
    let _ = out.flush();
    if a.error_format == ErrorFormat::Human && errors + warnings > 0 {
        eprintln!(
            "{} in {} {}",
            summary(errors, warnings),
            a.files.len(),
            if a.files.len() == 1 { "file" } else { "files" }
        );
    }
    i32::from(errors > 0)
}

fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, w) => plural(w, "warning"),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

fn read(name: &str) -> std::io::Result<String> {
    let bytes = if name == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        buf
    } else {
        std::fs::read(name)?
    };
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

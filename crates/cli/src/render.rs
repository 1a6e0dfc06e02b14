//! Rendering diagnostics at the edge — miette reports for people, JSON for tools — and the
//! exit status that goes with them: every command reports its errors through a [`Renderer`]
//! and ends with [`exit_code`].

use std::io::IsTerminal;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, Report};
use ntop_eval::diagnostic::{Diagnostic, Label, Severity};
use ntop_eval::source::{self, Span};

use crate::args::{ColorChoice, CommonArgs, ErrorFormat};
use crate::excerpt::Excerpt;

/// The exit status of a command that reported `diagnostics`: 0 without errors; for failed
/// builds Nix 2.8's mask (`Worker::exitStatus`) — 100 when a builder failed, plus 1 when a
/// build timed out and 2 when a fixed output's hash did not match (checked against
/// nix-build in `crates/cli/tests/build_limits.rs` and `builtin_fetchurl.rs`); 1 for any
/// other error, a fixed output's failed builder (Nix counts it as transient) and an output
/// the builder did not produce included.
pub fn exit_code(diagnostics: &[Diagnostic]) -> i32 {
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    if errors.is_empty() {
        return 0;
    }
    // Nix 2.8 exits 1 when interrupted (`Interrupted` is a plain `BaseError`).
    if errors.iter().any(|d| d.code == "build::interrupted") {
        return 1;
    }
    let any = |code: &str| errors.iter().any(|d| d.code == code);
    let (failed, timed_out, mismatch) = (
        any("build::builder_failed"),
        any("build::timed_out"),
        any("build::hash_mismatch"),
    );
    let mask = 4 * i32::from(failed || timed_out || mismatch)
        + i32::from(timed_out)
        + 2 * i32::from(mismatch);
    if mask == 0 {
        1
    } else {
        0x60 | mask
    }
}

pub struct Renderer {
    pub color: bool,
    pub format: ErrorFormat,
    pub show_trace: bool,
}

impl Renderer {
    pub fn new(color: ColorChoice, format: ErrorFormat, show_trace: bool) -> Renderer {
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Renderer {
            color,
            format,
            show_trace,
        }
    }

    /// The renderer an evaluating command's options ask for.
    pub fn for_evaluation(common: &CommonArgs, show_trace: bool) -> Renderer {
        Renderer::new(common.report.color, common.report.error_format, show_trace)
    }

    /// Prints the diagnostics on standard error; returns the command's exit status.
    pub fn report(&self, diagnostics: &[Diagnostic]) -> i32 {
        let text: String = diagnostics.iter().map(|d| self.diagnostic(d)).collect();
        eprint!("{text}");
        exit_code(diagnostics)
    }

    /// Reports what stopped a command; returns its exit status. Under its `nix-instantiate`
    /// name, ntop writes evaluation errors in Nix's own layout, which scripts and test suites
    /// written for Nix match on.
    pub fn fail(&self, error: &ntop_driver::Error) -> i32 {
        if let (Some(e), true) = (error.as_eval_error(), invoked_as_nix_instantiate()) {
            eprint!("{}", crate::render_nix::render(e, self.show_trace));
            return 1;
        }
        self.report(&error.diagnostics())
    }

    /// One diagnostic: a miette report, or one line of JSON.
    pub fn diagnostic(&self, d: &Diagnostic) -> String {
        match self.format {
            ErrorFormat::Json => {
                let mut line = json_diagnostic(d).to_string();
                line.push('\n');
                line
            }
            ErrorFormat::Human => self.human(d),
        }
    }

    fn human(&self, d: &Diagnostic) -> String {
        let mut notes = d.notes.clone();
        if self.show_trace {
            notes.extend(collapse_frames(&d.trace));
        } else if !d.trace.is_empty() {
            // Errors raised inside a library (our lib, nixpkgs' lib) are about the user's code
            // that called it: name the innermost frame that is the user's.
            if d.span.is_some_and(|s| !in_user_code(s)) {
                if let Some(f) = d.trace.iter().find(|f| f.span.is_some_and(in_user_code)) {
                    let at = f.span.map(source::describe_position).unwrap_or_default();
                    notes.push(format!("in your code: {} at {at}", f.message));
                }
            } else if let Some(f) = d.trace.iter().find(|f| {
                // The innermost frame elsewhere than the error itself: usually the call or
                // the attribute that led there.
                f.span.is_some_and(|s| {
                    d.span
                        .is_none_or(|p| (s.file, s.start) != (p.file, p.start))
                })
            }) {
                let at = f.span.map(source::describe_position).unwrap_or_default();
                notes.push(format!("{} at {at}", f.message));
            }
            notes.push(format!(
                "use '--show-trace' to see every evaluation frame ({})",
                d.trace.len()
            ));
        }
        let mut diag = MietteDiagnostic::new(d.message.clone())
            .with_code(d.code.to_string())
            .with_severity(match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            });
        let mut help: Vec<String> = d.help.iter().cloned().collect();
        let mut src = None;
        // Snippets of very long lines (generated or minified code) help nobody: name the place.
        let span = match d.span {
            Some(s) if line_length_at(s) > MAX_SNIPPET_LINE => {
                help.push(format!("at {}", source::describe_position(s)));
                None
            }
            // An error a library raises about places in the user's code (a module option's
            // definitions): those places are what to show; the library's line is a footnote.
            Some(s) if !in_user_code(s) && d.labels.iter().any(|l| in_user_code(l.span)) => {
                help.push(format!(
                    "raised by the library at {}",
                    source::describe_position(s)
                ));
                None
            }
            other => other,
        };
        // Labels in the primary span's file join its snippet; the others get snippets of
        // their own after it, one per file (the definitions of a failing option, say).
        let mut elsewhere: Vec<(source::FileId, Vec<&Label>)> = Vec::new();
        for label in &d.labels {
            if span.is_some_and(|s| s.file == label.span.file) {
                continue;
            }
            if line_length_at(label.span) > MAX_SNIPPET_LINE {
                help.push(format!(
                    "{}: {}",
                    label.message,
                    source::describe_position(label.span)
                ));
            } else if let Some(group) = elsewhere.iter_mut().find(|g| g.0 == label.span.file) {
                group.1.push(label);
            } else {
                elsewhere.push((label.span.file, vec![label]));
            }
        }
        if let Some(span) = span {
            let file = source::source(span.file);
            let len = (span.end - span.start) as usize;
            diag = diag.and_label(LabeledSpan::new_primary_with_span(
                Some(d.label.clone().unwrap_or_else(|| "here".into())),
                (span.start as usize, len),
            ));
            let here = d.labels.iter().filter(|l| l.span.file == span.file);
            for label in here.clone() {
                diag = diag.and_label(labeled(label));
            }
            let spans = std::iter::once(span).chain(here.map(|l| l.span));
            src = Some(Excerpt::covering(&file, spans));
        }
        help.extend(notes);
        if !help.is_empty() {
            diag = diag.with_help(help.join("\n"));
        }
        let report = match src {
            Some(s) => Report::new(diag).with_source_code(s),
            None => Report::new(diag),
        };
        let mut out = self.render_report(&report, d);
        for (file, labels) in elsewhere {
            let file = source::source(file);
            let first = &labels[0].message;
            let title = if labels.iter().all(|l| &l.message == first) {
                first.clone()
            } else {
                "related".into()
            };
            let mut related = MietteDiagnostic::new(title).with_severity(miette::Severity::Advice);
            for label in &labels {
                related = related.and_label(labeled(label));
            }
            let excerpt = Excerpt::covering(&file, labels.iter().map(|l| l.span));
            let report = Report::new(related).with_source_code(excerpt);
            out.push_str(&self.render_report(&report, d));
        }
        out
    }

    fn render_report(&self, report: &Report, d: &Diagnostic) -> String {
        let theme = if self.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(100)
            // Messages quote option names, files and values: never break them across lines.
            .with_wrap_lines(false);
        let mut out = String::new();
        if handler.render_report(&mut out, report.as_ref()).is_err() {
            out = format!("{}: {}\n", d.severity.as_str(), d.message);
        }
        out
    }
}

/// A secondary label as miette draws it.
fn labeled(label: &Label) -> LabeledSpan {
    LabeledSpan::new_with_span(
        Some(label.message.clone()),
        (
            label.span.start as usize,
            (label.span.end - label.span.start) as usize,
        ),
    )
}

const MAX_SNIPPET_LINE: usize = 400;

/// The longest line miette would show around a span (it prints neighbouring lines too).
fn line_length_at(span: Span) -> usize {
    let file = source::source(span.file);
    let line = file.line_col(span.start).0 as usize - 1;
    let first = line.saturating_sub(1);
    let last = (line + 1).min(file.line_count() - 1);
    (first..=last)
        .map(|l| file.line_range(l).len())
        .max()
        .unwrap_or(0)
}

fn json_span(span: Span) -> serde_json::Value {
    let file = source::source(span.file);
    let (line, col) = file.line_col(span.start);
    let (end_line, end_col) = file.line_col(span.end);
    serde_json::json!({
        "file": file.display_name(),
        "byte_start": span.start,
        "byte_end": span.end,
        "line_start": line,
        "column_start": col,
        "line_end": end_line,
        "column_end": end_col,
    })
}

/// The JSON form of a diagnostic (documented in docs/diagnostics.md).
fn json_diagnostic(d: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "severity": d.severity.as_str(),
        "code": d.code,
        "message": d.message,
        "file": d.span.map(|s| source::source(s.file).display_name()),
        "span": d.span.map(json_span),
        "label": d.label,
        "labels": d.labels.iter().map(|l| serde_json::json!({"message": l.message, "span": json_span(l.span)})).collect::<Vec<_>>(),
        "notes": d.notes,
        "help": d.help,
    })
}

/// The `--show-trace` frames, innermost first, with runs of the same frame (deep recursion)
/// collapsed into one line and a count.
fn collapse_frames(frames: &[ntop_eval::error::Frame]) -> Vec<String> {
    let describe = |f: &ntop_eval::error::Frame| match f.span {
        Some(s) => format!("{} at {}", f.message, source::describe_position(s)),
        None => f.message.clone(),
    };
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < frames.len() {
        let line = describe(&frames[i]);
        let mut j = i + 1;
        while j < frames.len() && describe(&frames[j]) == line {
            j += 1;
        }
        out.push(line);
        if j - i > 1 {
            out.push(format!(
                "… the frame above repeats {} more times",
                j - i - 1
            ));
        }
        i = j;
    }
    out
}

/// Whether a span lies in the user's code rather than in a library's.
fn in_user_code(span: Span) -> bool {
    !is_library_file(&source::source(span.file).display_name())
}

/// Code of a library rather than the user's: the embedded bundle, or a `lib/` directory.
fn is_library_file(name: &str) -> bool {
    name.contains("/ntop/bundle-")
        || (name.ends_with(".nix") && name.split('/').any(|c| c == "lib"))
}

/// Whether ntop runs under the name `nix-instantiate` (a symlink).
pub fn invoked_as_nix_instantiate() -> bool {
    std::env::args_os()
        .next()
        .and_then(|a| {
            std::path::Path::new(&a)
                .file_name()
                .map(|n| n == "nix-instantiate")
        })
        .unwrap_or(false)
}

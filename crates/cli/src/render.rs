//! Rendering diagnostics at the edge: miette reports for people, JSON for tools.

use std::io::IsTerminal;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};
use ntop_eval::error::{ErrorKind, EvalError};
use ntop_eval::source::{self, Span};

use crate::args::{ColorChoice, ErrorFormat};

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

    pub fn eval_error(&self, e: &EvalError) -> String {
        match self.format {
            ErrorFormat::Json => self.json(e),
            ErrorFormat::Human => self.human(e),
        }
    }

    fn human(&self, e: &EvalError) -> String {
        let data = e.data();
        let mut out = String::new();
        match &data.kind {
            ErrorKind::Syntax(errors) => {
                for se in errors {
                    out.push_str(&self.report(se.code, &se.message, Some(se.span), &[], &[]));
                }
                return out;
            }
            kind => {
                let mut notes = data.notes.clone();
                let frames = if self.show_trace {
                    &data.frames[..]
                } else {
                    &[]
                };
                for f in frames {
                    match f.span {
                        Some(s) => {
                            notes.push(format!("{} at {}", f.message, source::describe_position(s)))
                        }
                        None => notes.push(f.message.clone()),
                    }
                }
                if !self.show_trace && !data.frames.is_empty() {
                    notes.push("use '--show-trace' to see the evaluation frames".into());
                }
                out.push_str(&self.report(
                    kind.code(),
                    &kind.to_string(),
                    data.span,
                    &data.labels,
                    &notes,
                ));
            }
        }
        out
    }

    fn report(
        &self,
        code: &str,
        message: &str,
        span: Option<Span>,
        labels: &[(Span, String)],
        notes: &[String],
    ) -> String {
        let mut diag = MietteDiagnostic::new(message.to_string()).with_code(code.to_string());
        let mut help = Vec::new();
        let mut src = None;
        // Snippets of very long lines (generated or minified code) help nobody: name the place.
        let span = match span {
            Some(s) if line_length_at(s) > MAX_SNIPPET_LINE => {
                help.push(format!("at {}", source::describe_position(s)));
                None
            }
            other => other,
        };
        if let Some(span) = span {
            let file = source::source(span.file);
            let (line, col) = file.line_col(span.start);
            let len = (span.end - span.start) as usize;
            diag = diag.and_label(LabeledSpan::new_primary_with_span(
                Some("here".into()),
                (span.start as usize, len),
            ));
            for (lspan, text) in labels {
                if lspan.file == span.file {
                    let l = (lspan.end - lspan.start) as usize;
                    diag = diag.and_label(LabeledSpan::new_with_span(
                        Some(text.clone()),
                        (lspan.start as usize, l),
                    ));
                } else {
                    help.push(format!("{text}: {}", source::describe_position(*lspan)));
                }
            }
            let _ = (line, col);
            src = Some(NamedSource::new(file.display_name(), file.text.to_string()));
        } else {
            for (lspan, text) in labels {
                help.push(format!("{text}: {}", source::describe_position(*lspan)));
            }
        }
        help.extend(notes.iter().cloned());
        if !help.is_empty() {
            diag = diag.with_help(help.join("\n"));
        }
        let report = match src {
            Some(s) => Report::new(diag).with_source_code(s),
            None => Report::new(diag),
        };
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
            out = format!("error: {message}\n");
        }
        out
    }

    fn json(&self, e: &EvalError) -> String {
        let data = e.data();
        let mut items = Vec::new();
        match &data.kind {
            ErrorKind::Syntax(errors) => {
                for se in errors {
                    items.push(json_diagnostic(
                        se.code,
                        &se.message,
                        Some(se.span),
                        &[],
                        &[],
                    ));
                }
            }
            kind => items.push(json_diagnostic(
                kind.code(),
                &kind.to_string(),
                data.span,
                &data.labels,
                &data.notes,
            )),
        }
        let mut out = String::new();
        for i in items {
            out.push_str(&i.to_string());
            out.push('\n');
        }
        out
    }
}

const MAX_SNIPPET_LINE: usize = 400;

/// The longest line miette would show around a span (it prints neighbouring lines too).
fn line_length_at(span: Span) -> usize {
    let file = source::source(span.file);
    let text: &str = &file.text;
    let (line, _) = file.line_col(span.start);
    let first = line.saturating_sub(2) as usize;
    text.split('\n')
        .skip(first)
        .take(3)
        .map(str::len)
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

fn json_diagnostic(
    code: &str,
    message: &str,
    span: Option<Span>,
    labels: &[(Span, String)],
    notes: &[String],
) -> serde_json::Value {
    serde_json::json!({
        "severity": "error",
        "code": code,
        "message": message,
        "span": span.map(json_span),
        "labels": labels.iter().map(|(s, t)| serde_json::json!({"message": t, "span": json_span(*s)})).collect::<Vec<_>>(),
        "notes": notes,
    })
}

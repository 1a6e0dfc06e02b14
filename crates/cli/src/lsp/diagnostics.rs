//! `textDocument/publishDiagnostics`: `ntop check`'s findings for an open document.

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location, NumberOrString,
    PublishDiagnosticsParams,
};
use ntop_eval::diagnostic::{Diagnostic, Severity};

use super::document::Document;

pub fn publish(doc: &Document) -> PublishDiagnosticsParams {
    PublishDiagnosticsParams {
        uri: doc.uri.clone(),
        diagnostics: doc
            .analysis
            .diagnostics
            .iter()
            .map(|d| to_lsp(doc, d))
            .collect(),
        version: Some(doc.version),
    }
}

fn to_lsp(doc: &Document, d: &Diagnostic) -> lsp_types::Diagnostic {
    let range = match d.span {
        Some(s) => doc.range(s.start, s.end),
        None => doc.range(0, 0),
    };
    let mut message = d.message.clone();
    for extra in d.help.iter().chain(&d.notes) {
        message.push('\n');
        message.push_str(extra);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(doc.uri.clone(), doc.range(l.span.start, l.span.end)),
            message: l.message.clone(),
        })
        .collect();
    let tags = match d.code {
        "check::unused_binding" | "check::unused_argument" | "check::useless_rec" => {
            Some(vec![DiagnosticTag::UNNECESSARY])
        }
        c if c.starts_with("check::deprecated") => Some(vec![DiagnosticTag::DEPRECATED]),
        _ => None,
    };
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("ntop".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags,
        ..Default::default()
    }
}

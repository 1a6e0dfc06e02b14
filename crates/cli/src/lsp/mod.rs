//! `ntop lsp`: a language server over standard input and output.
//!
//! Full-text synchronisation; diagnostics are `ntop check`'s, published on open and on every
//! change; hover and go-to-definition answer from the same analysis. One file per feature:
//! [`diagnostics`], [`hover`], [`definition`]; [`document`] holds the open files and the
//! position conversions. Everything runs on one thread: analysing a file takes milliseconds.

mod definition;
mod diagnostics;
mod document;
mod hover;

use std::collections::HashMap;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{GotoDefinition, HoverRequest, Request as _};
use lsp_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    GotoDefinitionParams, HoverParams, HoverProviderCapability, OneOf, PublishDiagnosticsParams,
    ServerCapabilities, TextDocumentPositionParams, TextDocumentSyncCapability,
    TextDocumentSyncKind,
};

use document::Document;

pub fn run() -> i32 {
    let (connection, io_threads) = Connection::stdio();
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        ..Default::default()
    };
    let init = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": { "name": "ntop", "version": env!("CARGO_PKG_VERSION") },
    });
    let result = connection
        .initialize_start()
        .and_then(|(id, _params)| connection.initialize_finish(id, init));
    if let Err(e) = result {
        eprintln!("ntop lsp: {e}");
        return 1;
    }
    let status = match serve(&connection) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("ntop lsp: {e}");
            1
        }
    };
    drop(connection);
    let _ = io_threads.join();
    status
}

/// The main loop, until `shutdown` and `exit` (an `exit` without `shutdown` is an error).
fn serve(connection: &Connection) -> Result<(), String> {
    // Keyed by the URI's text (`Uri` hashes through interior mutability).
    let mut docs: HashMap<String, Document> = HashMap::new();
    for message in &connection.receiver {
        match message {
            Message::Request(req) => {
                if connection
                    .handle_shutdown(&req)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(());
                }
                let response = guarded(req.id.clone(), || request(&docs, req));
                send(connection, Message::Response(response));
            }
            Message::Notification(n) if n.method == "exit" => {
                return Err("exit without shutdown".into());
            }
            Message::Notification(n) => {
                let published = guarded_notification(|| notification(&mut docs, n));
                if let Some(params) = published {
                    let n = Notification::new(PublishDiagnostics::METHOD.into(), params);
                    send(connection, Message::Notification(n));
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn send(connection: &Connection, message: Message) {
    // The reader has gone: the loop ends when the receiver does.
    let _ = connection.sender.send(message);
}

fn request(docs: &HashMap<String, Document>, req: Request) -> Response {
    let id = req.id.clone();
    let at = |p: &TextDocumentPositionParams| {
        let doc = docs.get(p.text_document.uri.as_str())?;
        Some((doc, doc.offset(p.position)?))
    };
    match req.method.as_str() {
        HoverRequest::METHOD => match req.extract::<HoverParams>(HoverRequest::METHOD) {
            Ok((id, params)) => {
                let result = at(&params.text_document_position_params)
                    .and_then(|(doc, offset)| hover::hover(doc, offset));
                Response::new_ok(id, result)
            }
            Err(e) => invalid(id, e),
        },
        GotoDefinition::METHOD => {
            match req.extract::<GotoDefinitionParams>(GotoDefinition::METHOD) {
                Ok((id, params)) => {
                    let result = at(&params.text_document_position_params)
                        .and_then(|(doc, offset)| definition::definition(doc, offset));
                    Response::new_ok(id, result)
                }
                Err(e) => invalid(id, e),
            }
        }
        method => Response::new_err(
            id,
            ErrorCode::MethodNotFound as i32,
            format!("ntop lsp does not handle '{method}'"),
        ),
    }
}

fn invalid(id: lsp_server::RequestId, e: impl std::fmt::Debug) -> Response {
    Response::new_err(id, ErrorCode::InvalidParams as i32, format!("{e:?}"))
}

/// Handles a notification; returns the diagnostics to publish, if any.
fn notification(
    docs: &mut HashMap<String, Document>,
    n: Notification,
) -> Option<PublishDiagnosticsParams> {
    match n.method.as_str() {
        DidOpenTextDocument::METHOD => {
            let p: DidOpenTextDocumentParams = serde_json::from_value(n.params).ok()?;
            let item = p.text_document;
            let doc = Document::new(item.uri.clone(), item.text, item.version);
            let published = diagnostics::publish(&doc);
            docs.insert(item.uri.as_str().to_string(), doc);
            Some(published)
        }
        DidChangeTextDocument::METHOD => {
            let p: DidChangeTextDocumentParams = serde_json::from_value(n.params).ok()?;
            // Full synchronisation: the last change holds the whole text.
            let text = p.content_changes.into_iter().last()?.text;
            let doc = docs.get_mut(p.text_document.uri.as_str())?;
            doc.update(text, p.text_document.version);
            Some(diagnostics::publish(doc))
        }
        DidCloseTextDocument::METHOD => {
            let p: DidCloseTextDocumentParams = serde_json::from_value(n.params).ok()?;
            docs.remove(p.text_document.uri.as_str())?;
            Some(PublishDiagnosticsParams {
                uri: p.text_document.uri,
                diagnostics: Vec::new(),
                version: None,
            })
        }
        _ => None,
    }
}

/// A bug in a handler answers that request with an error instead of ending the server.
fn guarded(id: lsp_server::RequestId, f: impl FnOnce() -> Response) -> Response {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Response::new_err(
            id,
            ErrorCode::InternalError as i32,
            "internal error in ntop (this is a bug, please report it)".into(),
        )
    })
}

fn guarded_notification<T>(f: impl FnOnce() -> Option<T>) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(None)
}

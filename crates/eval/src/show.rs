//! Printing expressions back as source, for messages such as "assertion '…' failed".

use rnix::ast;
use rowan::ast::AstNode;

/// The expression's text with runs of whitespace collapsed to one space.
pub fn show_expr(e: &ast::Expr) -> String {
    let text = e.syntax().text().to_string();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

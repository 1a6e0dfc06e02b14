//! Printing expressions the way Nix 2.8 shows its parsed expressions: the output of
//! `nix-instantiate --parse` and the text in "assertion '…' failed".
//!
//! Nix prints its desugared tree, so this printer applies the same desugarings (`a - b` is
//! `(__sub a b)`, `<p>` is `(__findFile __nixPath "p")`, string interpolation is a `+` chain).
//! One known difference: Nix prints the attributes of a set in the order of its internal
//! symbol table, which depends on everything parsed before; we print them sorted by name.

use std::fmt::Write;

use rnix::ast::{self, AstToken, HasEntry};
use rowan::ast::AstNode;

use crate::lower::strings::{self, Piece};
use std::path::{Path, PathBuf};

use crate::print::format_float;

/// Shows a parsed expression; relative paths are resolved against `base_dir` (and `~/…`
/// against `home`), as Nix's parser resolves them.
pub fn show_expr(e: &ast::Expr, base_dir: &Path, home: Option<&Path>) -> String {
    let mut out = Out {
        text: String::new(),
        base_dir: base_dir.to_path_buf(),
        home: home.map(Path::to_path_buf),
    };
    show(&mut out, e);
    out.text
}

/// The output buffer, with what showing paths needs to know.
struct Out {
    text: String,
    base_dir: PathBuf,
    home: Option<PathBuf>,
}

impl Out {
    fn push(&mut self, c: char) {
        self.text.push(c);
    }

    fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn nested(&self) -> Out {
        Out {
            text: String::new(),
            base_dir: self.base_dir.clone(),
            home: self.home.clone(),
        }
    }

    /// Nix's parser resolves path literals to absolute, canonical paths.
    fn path(&self, literal: &str) -> String {
        let keep_slash = literal.ends_with('/') && literal.len() > 1;
        let abs = if let Some(rest) = literal.strip_prefix('~') {
            let mut p = self.home.clone().unwrap_or_default().into_os_string();
            p.push(rest);
            PathBuf::from(p)
        } else {
            self.base_dir.join(literal)
        };
        let mut text = crate::lower::canonicalize_lexically(&abs)
            .display()
            .to_string();
        if keep_slash && !text.ends_with('/') {
            text.push('/');
        }
        text
    }
}

impl Write for Out {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.text.push_str(s);
        Ok(())
    }
}

/// String literals in shown expressions escape every `$`, unlike printed values.
fn show_literal(out: &mut Out, bytes: &[u8]) {
    let mut buf = Vec::with_capacity(bytes.len() + 2);
    buf.push(b'"');
    for &c in bytes {
        match c {
            b'"' | b'\\' | b'$' => {
                buf.push(b'\\');
                buf.push(c);
            }
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            _ => buf.push(c),
        }
    }
    buf.push(b'"');
    out.push_str(&String::from_utf8_lossy(&buf));
}

fn show(out: &mut Out, e: &ast::Expr) {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || show_inner(out, e))
}

fn show_opt(out: &mut Out, e: Option<ast::Expr>) {
    if let Some(e) = e {
        show(out, &e);
    }
}

fn show_inner(out: &mut Out, e: &ast::Expr) {
    match e {
        ast::Expr::Paren(p) => show_opt(out, p.expr()),
        ast::Expr::Root(r) => show_opt(out, r.expr()),
        ast::Expr::Literal(lit) => match lit.kind() {
            ast::LiteralKind::Integer(i) => out.push_str(i.syntax().text()),
            ast::LiteralKind::Float(f) => out.push_str(&format_float(f.value().unwrap_or(0.0))),
            ast::LiteralKind::Uri(u) => show_literal(out, u.syntax().text().as_bytes()),
        },
        ast::Expr::Ident(id) => out.push_str(&id.syntax().text().to_string()),
        ast::Expr::Str(s) => show_string(out, s),
        ast::Expr::PathAbs(_) | ast::Expr::PathRel(_) | ast::Expr::PathHome(_) => show_path(out, e),
        ast::Expr::PathSearch(p) => {
            let text = p.syntax().text().to_string();
            out.push_str("(__findFile __nixPath ");
            show_literal(
                out,
                text.trim_start_matches('<')
                    .trim_end_matches('>')
                    .as_bytes(),
            );
            out.push(')');
        }
        ast::Expr::List(list) => {
            out.push_str("[ ");
            for item in list.items() {
                out.push('(');
                show(out, &item);
                out.push_str(") ");
            }
            out.push(']');
        }
        ast::Expr::AttrSet(set) => {
            if set.rec_token().is_some() {
                out.push_str("rec ");
            }
            out.push_str("{ ");
            show_entries(out, set.entries(), false);
            out.push('}');
        }
        ast::Expr::LetIn(l) => {
            out.push_str("(let ");
            show_entries(out, l.entries(), true);
            out.push_str("in ");
            show_opt(out, l.body());
            out.push(')');
        }
        ast::Expr::LegacyLet(l) => {
            out.push_str("(rec { ");
            show_entries(out, l.entries(), false);
            out.push_str("}).body");
        }
        ast::Expr::Lambda(l) => show_lambda(out, l),
        ast::Expr::Apply(_) => {
            let mut args = Vec::new();
            let mut head = e.clone();
            while let ast::Expr::Apply(a) = &head {
                let (Some(f), Some(arg)) = (a.lambda(), a.argument()) else {
                    break;
                };
                args.push(arg);
                head = f;
            }
            out.push('(');
            show(out, &head);
            for a in args.iter().rev() {
                out.push(' ');
                show(out, a);
            }
            out.push(')');
        }
        ast::Expr::Select(s) => {
            out.push('(');
            show_opt(out, s.expr());
            out.push_str(").");
            show_attrpath(out, s.attrpath());
            if let Some(d) = s.default_expr() {
                out.push_str(" or (");
                show(out, &d);
                out.push(')');
            }
        }
        ast::Expr::HasAttr(h) => {
            out.push_str("((");
            show_opt(out, h.expr());
            out.push_str(") ? ");
            show_attrpath(out, h.attrpath());
            out.push(')');
        }
        ast::Expr::With(w) => {
            out.push_str("(with ");
            show_opt(out, w.namespace());
            out.push_str("; ");
            show_opt(out, w.body());
            out.push(')');
        }
        ast::Expr::IfElse(i) => {
            out.push_str("(if ");
            show_opt(out, i.condition());
            out.push_str(" then ");
            show_opt(out, i.body());
            out.push_str(" else ");
            show_opt(out, i.else_body());
            out.push(')');
        }
        ast::Expr::Assert(a) => {
            out.push_str("assert ");
            show_opt(out, a.condition());
            out.push_str("; ");
            show_opt(out, a.body());
        }
        ast::Expr::UnaryOp(u) => match u.operator() {
            Some(ast::UnaryOpKind::Invert) => {
                out.push_str("(! ");
                show_opt(out, u.expr());
                out.push(')');
            }
            _ => {
                out.push_str("(__sub 0 ");
                show_opt(out, u.expr());
                out.push(')');
            }
        },
        ast::Expr::BinOp(b) => show_binary(out, b),
        ast::Expr::CurPos(_) => out.push_str("__curPos"),
        ast::Expr::Error(_) => {}
    }
}

fn show_binary(out: &mut Out, b: &ast::BinOp) {
    use ast::BinOpKind as K;
    let Some(op) = b.operator() else { return };
    let call = |out: &mut Out, f: &str, x: Option<ast::Expr>, y: Option<ast::Expr>| {
        let _ = write!(out, "({f} ");
        show_opt(out, x);
        out.push(' ');
        show_opt(out, y);
        out.push(')');
    };
    let infix = |out: &mut Out, sym: &str| {
        out.push('(');
        show_opt(out, b.lhs());
        let _ = write!(out, " {sym} ");
        show_opt(out, b.rhs());
        out.push(')');
    };
    match op {
        K::Sub => call(out, "__sub", b.lhs(), b.rhs()),
        K::Mul => call(out, "__mul", b.lhs(), b.rhs()),
        K::Div => call(out, "__div", b.lhs(), b.rhs()),
        K::Less => call(out, "__lessThan", b.lhs(), b.rhs()),
        K::More => call(out, "__lessThan", b.rhs(), b.lhs()),
        K::LessOrEq => {
            out.push_str("(! ");
            call(out, "__lessThan", b.rhs(), b.lhs());
            out.push(')');
        }
        K::MoreOrEq => {
            out.push_str("(! ");
            call(out, "__lessThan", b.lhs(), b.rhs());
            out.push(')');
        }
        K::Add => infix(out, "+"),
        K::Equal => infix(out, "=="),
        K::NotEqual => infix(out, "!="),
        K::And => infix(out, "&&"),
        K::Or => infix(out, "||"),
        K::Implication => infix(out, "->"),
        K::Update => infix(out, "//"),
        K::Concat => infix(out, "++"),
        K::PipeLeft => infix(out, "<|"),
        K::PipeRight => infix(out, "|>"),
    }
}

fn show_lambda(out: &mut Out, l: &ast::Lambda) {
    out.push('(');
    match l.param() {
        Some(ast::Param::IdentParam(p)) => {
            out.push_str(&p.syntax().text().to_string());
        }
        Some(ast::Param::Pattern(pat)) => {
            out.push_str("{ ");
            let mut first = true;
            for entry in pat.pat_entries() {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                if let Some(id) = entry.ident() {
                    out.push_str(&id.syntax().text().to_string());
                }
                if let Some(d) = entry.default() {
                    out.push_str(" ? ");
                    show(out, &d);
                }
            }
            if pat.ellipsis_token().is_some() {
                if !first {
                    out.push_str(", ");
                }
                out.push_str("...");
            }
            out.push_str(" }");
            if let Some(bind) = pat.pat_bind().and_then(|b| b.ident()) {
                out.push_str(" @ ");
                out.push_str(&bind.syntax().text().to_string());
            }
        }
        None => {}
    }
    out.push_str(": ");
    show_opt(out, l.body());
    out.push(')');
}

/// A binding while showing: a shown value, or a set built from nested attribute paths.
enum Shown {
    Value(String),
    Nested(std::collections::BTreeMap<String, Shown>),
}

fn insert_path(
    map: &mut std::collections::BTreeMap<String, Shown>,
    path: &[String],
    value: String,
) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    // Quoted names sort by their text, as Nix's symbols do.
    let first = &first.trim_matches('"').to_string();
    if rest.is_empty() {
        map.insert(first.clone(), Shown::Value(value));
        return;
    }
    let entry = map
        .entry(first.clone())
        .or_insert_with(|| Shown::Nested(Default::default()));
    if let Shown::Nested(inner) = entry {
        insert_path(inner, rest, value);
    }
}

fn print_shown(out: &mut Out, map: &std::collections::BTreeMap<String, Shown>) {
    for (name, shown) in map {
        match shown {
            Shown::Value(text) => out.push_str(text),
            Shown::Nested(inner) => {
                let name = if crate::print::is_identifier(name) {
                    name.clone()
                } else {
                    format!("{name:?}")
                };
                let _ = write!(out, "{name} = {{ ");
                print_shown(out, inner);
                out.push_str("}; ");
            }
        }
    }
}

fn show_entries(out: &mut Out, entries: impl Iterator<Item = ast::Entry>, is_let: bool) {
    let mut items: std::collections::BTreeMap<String, Shown> = Default::default();
    let mut dynamics = Vec::new();
    for entry in entries {
        match entry {
            ast::Entry::Inherit(inh) => {
                for attr in inh.attrs() {
                    let name = attr.syntax().text().to_string();
                    let text = match inh.from() {
                        Some(from) => {
                            let mut s = out.nested();
                            s.push('(');
                            show_opt(&mut s, from.expr());
                            s.push_str(&format!(").{name}"));
                            format!("{name} = {}; ", s.text)
                        }
                        None if is_let => format!("inherit {name}; "),
                        None => format!("inherit {name} ; "),
                    };
                    items.insert(name, Shown::Value(text));
                }
            }
            ast::Entry::AttrpathValue(apv) => {
                let names: Vec<String> = apv
                    .attrpath()
                    .map(|p| {
                        p.attrs()
                            .map(|a| {
                                let mut s = out.nested();
                                show_attr(&mut s, &a);
                                s.text
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let Some(last) = names.last() else { continue };
                let mut text = out.nested();
                let _ = write!(text, "{last} = ");
                show_opt(&mut text, apv.value());
                text.push_str("; ");
                if names.iter().any(|n| n.starts_with("\"${")) {
                    // Dynamic attributes come after the static ones, as in Nix.
                    dynamics.push(text.text);
                } else {
                    insert_path(&mut items, &names, text.text);
                }
            }
        }
    }
    print_shown(out, &items);
    for d in dynamics {
        out.push_str(&d);
    }
}

fn show_attrpath(out: &mut Out, path: Option<ast::Attrpath>) {
    let Some(path) = path else { return };
    let mut first = true;
    for attr in path.attrs() {
        if !first {
            out.push('.');
        }
        first = false;
        show_attr(out, &attr);
    }
}

fn show_attr(out: &mut Out, attr: &ast::Attr) {
    match attr {
        ast::Attr::Ident(id) => out.push_str(&id.syntax().text().to_string()),
        ast::Attr::Str(s) => out.push_str(&s.syntax().text().to_string()),
        ast::Attr::Dynamic(d) => {
            out.push_str("\"${");
            show_opt(out, d.expr());
            out.push_str("}\"");
        }
    }
}

fn show_string(out: &mut Out, s: &ast::Str) {
    let indented = s.syntax().first_token().is_some_and(|t| t.text() == "''");
    let mut pieces: Vec<Piece<ast::Interpol>> = Vec::new();
    let mut first = true;
    for part in crate::syntax::literal_parts(s.syntax()) {
        match part {
            crate::syntax::Part::Literal(lit) => {
                let mut text = lit.as_str();
                if indented {
                    if first {
                        let spaces = text.len() - text.trim_start_matches(' ').len();
                        if text[spaces..].starts_with('\n') {
                            text = &text[spaces + 1..];
                        }
                    }
                    let mut raw = Vec::new();
                    strings::lex_indented_segment(text, &mut raw);
                    pieces.extend(raw.into_iter().map(|p| match p {
                        Piece::Text { bytes, indented } => Piece::Text { bytes, indented },
                        Piece::Interpolation(()) => Piece::Text {
                            bytes: Vec::new(),
                            indented: false,
                        },
                    }));
                } else {
                    pieces.push(Piece::Text {
                        bytes: strings::unescape_double_quoted(text),
                        indented: false,
                    });
                }
            }
            crate::syntax::Part::Interpolation(i) => pieces.push(Piece::Interpolation(i)),
        }
        first = false;
    }
    if indented {
        pieces = strings::strip_indentation(pieces);
    }
    let parts: Vec<Piece<ast::Interpol>> = pieces
        .into_iter()
        .filter(|p| !matches!(p, Piece::Text { bytes, .. } if bytes.is_empty()))
        .collect();
    let has_interpolation = parts.iter().any(|p| matches!(p, Piece::Interpolation(_)));
    if !has_interpolation {
        let bytes: Vec<u8> = parts
            .into_iter()
            .flat_map(|p| match p {
                Piece::Text { bytes, .. } => bytes,
                Piece::Interpolation(_) => Vec::new(),
            })
            .collect();
        show_literal(out, &bytes);
        return;
    }
    out.push('(');
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(" + ");
        }
        match p {
            Piece::Text { bytes, .. } => show_literal(out, bytes),
            Piece::Interpolation(i) => show_opt(out, i.expr()),
        }
    }
    out.push(')');
}

/// A path literal, resolved; with interpolation, a `+` chain after the resolved prefix.
fn show_path(out: &mut Out, e: &ast::Expr) {
    let parts = match e {
        ast::Expr::PathAbs(_) | ast::Expr::PathRel(_) | ast::Expr::PathHome(_) => {
            crate::syntax::literal_parts(e.syntax())
        }
        _ => return,
    };
    if parts.len() == 1 {
        if let crate::syntax::Part::Literal(lit) = &parts[0] {
            let text = out.path(lit);
            out.push_str(&text);
        }
        return;
    }
    out.push('(');
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(" + ");
        }
        match part {
            crate::syntax::Part::Literal(lit) if i == 0 => {
                let text = out.path(lit);
                out.push_str(&text);
            }
            crate::syntax::Part::Literal(lit) => show_literal(out, lit.as_bytes()),
            crate::syntax::Part::Interpolation(interp) => show_opt(out, interp.expr()),
        }
    }
    out.push(')');
}

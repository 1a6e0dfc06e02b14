//! Printing expressions the way Nix 2.8 shows its parsed expressions: the output of
//! `nix-instantiate --parse` and the text in "assertion '…' failed".
//!
//! Nix prints its desugared tree, so this printer applies the same desugarings (`a - b` is
//! `(__sub a b)`, `<p>` is `(__findFile __nixPath "p")`, string interpolation is a `+` chain).
//! One known difference: Nix prints the attributes of a set in the order of its internal
//! symbol table, which depends on everything parsed before; we print them sorted by name.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::parse::ast::{Ast, Attr, BinOp, Bind, Node, NodeId, Param, Part, Range};
use crate::print::format_float;

/// Shows the expression `id` of a parsed file; relative paths are resolved against `base_dir`
/// (and `~/…` against `home`), as Nix's parser resolves them.
/// Shows the expression written at `span`, as [`show_node`] shows it in its file's tree. The
/// text of any expression parses alone to the same tree (syntax is context-free), so what is
/// shown only on failure need not be computed while lowering.
pub fn show_span(span: crate::source::Span, base_dir: &Path, home: Option<&Path>) -> String {
    let source = crate::source::source(span.file);
    let text = &source.text[span.start as usize..span.end as usize];
    match crate::parse::parse_fast(text) {
        Ok(ast) => match ast.root {
            Some(root) => show_node(&ast, text, root, base_dir, home),
            None => text.to_owned(),
        },
        // Unreachable for the span of a parsed expression; the text as written is the best
        // description left.
        Err(_) => text.to_owned(),
    }
}

pub fn show_node(
    ast: &Ast,
    text: &str,
    id: NodeId,
    base_dir: &Path,
    home: Option<&Path>,
) -> String {
    let mut out = Out {
        ast,
        src: text,
        text: String::new(),
        base_dir,
        home,
    };
    out.show(id);
    out.text
}

/// The output buffer, with what showing needs to know.
struct Out<'a> {
    ast: &'a Ast,
    src: &'a str,
    text: String,
    base_dir: &'a Path,
    home: Option<&'a Path>,
}

impl Write for Out<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.text.push_str(s);
        Ok(())
    }
}

/// String literals in shown expressions escape every `$`, unlike printed values.
fn show_literal(out: &mut String, bytes: &[u8]) {
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

/// A binding while showing, in the order of its name: shown when the set is printed, straight
/// into the output (showing each value into a string of its own and copying it into its
/// parent's would cost time quadratic in the nesting depth).
enum Shown {
    /// `last = value;`
    Bind { last: String, value: NodeId },
    /// `name = (from).name;`
    InheritFrom { name: String, from: NodeId },
    /// `inherit name;`
    Text(String),
    /// A set built from nested attribute paths.
    Nested(BTreeMap<String, Shown>),
}

/// Files `shown` under `path` (its last name included), making the sets on the way.
fn insert_path(mut map: &mut BTreeMap<String, Shown>, path: &[String], shown: Shown) {
    let Some((last, prefix)) = path.split_last() else {
        return;
    };
    // Quoted names sort by their text, as Nix's symbols do.
    let key = |name: &String| name.trim_matches('"').to_string();
    for name in prefix {
        let entry = map
            .entry(key(name))
            .or_insert_with(|| Shown::Nested(Default::default()));
        match entry {
            Shown::Nested(inner) => map = inner,
            _ => return,
        }
    }
    map.insert(key(last), shown);
}

impl<'a> Out<'a> {
    fn push(&mut self, c: char) {
        self.text.push(c);
    }

    fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn slice(&self, s: crate::parse::ast::Span) -> &'a str {
        &self.src[s.start as usize..s.end as usize]
    }

    /// Nix's parser resolves path literals to absolute, canonical paths.
    fn path(&self, literal: &str) -> String {
        let keep_slash = literal.ends_with('/') && literal.len() > 1;
        let abs = if let Some(rest) = literal.strip_prefix('~') {
            let mut p = self
                .home
                .map(Path::to_path_buf)
                .unwrap_or_default()
                .into_os_string();
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

    fn show(&mut self, id: NodeId) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.show_inner(id))
    }

    fn show_inner(&mut self, id: NodeId) {
        let ast = self.ast;
        let s = ast.span(id);
        match ast.node(id) {
            Node::Paren(inner) => self.show(inner),
            Node::Int(_) | Node::Ident | Node::OrKeyword => {
                let t = self.slice(s);
                self.push_str(t)
            }
            Node::Float(f) => self.push_str(&format_float(f.unwrap_or(0.0))),
            Node::Uri => {
                let t = self.slice(s);
                show_literal(&mut self.text, t.as_bytes())
            }
            Node::CurPos => self.push_str("__curPos"),
            Node::Str(parts) => self.show_string(parts),
            Node::Path(parts) => self.show_path(parts),
            Node::SearchPath => {
                let t = self.slice(s);
                self.push_str("(__findFile __nixPath ");
                show_literal(
                    &mut self.text,
                    t.trim_start_matches('<').trim_end_matches('>').as_bytes(),
                );
                self.push(')');
            }
            Node::List(items) => {
                self.push_str("[ ");
                for &item in ast.children(items) {
                    self.push('(');
                    self.show(item);
                    self.push_str(") ");
                }
                self.push(']');
            }
            Node::AttrSet { rec, binds } => {
                if rec.is_some() {
                    self.push_str("rec ");
                }
                self.push_str("{ ");
                self.show_entries(binds, false);
                self.push('}');
            }
            Node::LetIn { binds, body } => {
                self.push_str("(let ");
                self.show_entries(binds, true);
                self.push_str("in ");
                self.show(body);
                self.push(')');
            }
            Node::LegacyLet { binds, .. } => {
                self.push_str("(rec { ");
                self.show_entries(binds, false);
                self.push_str("}).body");
            }
            Node::Lambda { param, body } => self.show_lambda(param, body),
            Node::Apply { .. } => {
                let mut args = Vec::new();
                let mut head = id;
                while let Node::Apply { function, arg } = ast.node(head) {
                    args.push(arg);
                    head = function;
                }
                self.push('(');
                self.show(head);
                for &a in args.iter().rev() {
                    self.push(' ');
                    self.show(a);
                }
                self.push(')');
            }
            Node::Select {
                expr,
                path,
                default,
            } => {
                self.push('(');
                self.show(expr);
                self.push_str(").");
                self.show_attrpath(path);
                if let Some(d) = default {
                    self.push_str(" or (");
                    self.show(d);
                    self.push(')');
                }
            }
            Node::HasAttr { expr, path } => {
                self.push_str("((");
                self.show(expr);
                self.push_str(") ? ");
                self.show_attrpath(path);
                self.push(')');
            }
            Node::With { namespace, body } => {
                self.push_str("(with ");
                self.show(namespace);
                self.push_str("; ");
                self.show(body);
                self.push(')');
            }
            Node::If {
                cond,
                then,
                otherwise,
            } => {
                self.push_str("(if ");
                self.show(cond);
                self.push_str(" then ");
                self.show(then);
                self.push_str(" else ");
                self.show(otherwise);
                self.push(')');
            }
            Node::Assert { cond, body } => {
                self.push_str("assert ");
                self.show(cond);
                self.push_str("; ");
                self.show(body);
            }
            Node::Not(e) => {
                self.push_str("(! ");
                self.show(e);
                self.push(')');
            }
            Node::Negate(e) => {
                self.push_str("(__sub 0 ");
                self.show(e);
                self.push(')');
            }
            Node::Binary { op, lhs, rhs } => self.show_binary(op, lhs, rhs),
            Node::Missing => {}
        }
    }

    fn show_binary(&mut self, op: BinOp, lhs: NodeId, rhs: NodeId) {
        let call = |out: &mut Out, f: &str, x: NodeId, y: NodeId| {
            let _ = write!(out, "({f} ");
            out.show(x);
            out.push(' ');
            out.show(y);
            out.push(')');
        };
        let infix = |out: &mut Out, sym: &str| {
            out.push('(');
            out.show(lhs);
            let _ = write!(out, " {sym} ");
            out.show(rhs);
            out.push(')');
        };
        match op {
            BinOp::Sub => call(self, "__sub", lhs, rhs),
            BinOp::Mul => call(self, "__mul", lhs, rhs),
            BinOp::Div => call(self, "__div", lhs, rhs),
            BinOp::Less => call(self, "__lessThan", lhs, rhs),
            BinOp::Greater => call(self, "__lessThan", rhs, lhs),
            BinOp::LessEq => {
                self.push_str("(! ");
                call(self, "__lessThan", rhs, lhs);
                self.push(')');
            }
            BinOp::GreaterEq => {
                self.push_str("(! ");
                call(self, "__lessThan", lhs, rhs);
                self.push(')');
            }
            BinOp::Add => infix(self, "+"),
            BinOp::Eq => infix(self, "=="),
            BinOp::NotEq => infix(self, "!="),
            BinOp::And => infix(self, "&&"),
            BinOp::Or => infix(self, "||"),
            BinOp::Implies => infix(self, "->"),
            BinOp::Update => infix(self, "//"),
            BinOp::Concat => infix(self, "++"),
            BinOp::Pipe => infix(self, "|>"),
        }
    }

    fn show_lambda(&mut self, param: Param, body: NodeId) {
        self.push('(');
        match param {
            Param::Ident(p) => {
                let t = self.slice(p);
                self.push_str(t);
            }
            Param::Pattern {
                entries,
                ellipsis,
                at,
            } => {
                self.push_str("{ ");
                let mut first = true;
                for f in self.ast.formals(entries) {
                    if !first {
                        self.push_str(", ");
                    }
                    first = false;
                    let t = self.slice(f.name);
                    self.push_str(t);
                    if let Some(d) = f.default {
                        self.push_str(" ? ");
                        self.show(d);
                    }
                }
                if ellipsis {
                    if !first {
                        self.push_str(", ");
                    }
                    self.push_str("...");
                }
                self.push_str(" }");
                if let Some(at) = at {
                    self.push_str(" @ ");
                    let t = self.slice(at);
                    self.push_str(t);
                }
            }
            Param::Missing => {}
        }
        self.push_str(": ");
        self.show(body);
        self.push(')');
    }

    fn show_entries(&mut self, binds: Range, is_let: bool) {
        let ast = self.ast;
        let mut items: BTreeMap<String, Shown> = BTreeMap::new();
        let mut dynamics = Vec::new();
        for &bind in ast.binds(binds) {
            match bind {
                Bind::Inherit { from, names, .. } => {
                    for &attr in ast.attrs(names) {
                        let name = self.slice(ast.attr_span(attr)).to_string();
                        let shown = match from {
                            Some(from) => Shown::InheritFrom {
                                name: name.clone(),
                                from,
                            },
                            None if is_let => Shown::Text(format!("inherit {name}; ")),
                            None => Shown::Text(format!("inherit {name} ; ")),
                        };
                        items.insert(name, shown);
                    }
                }
                Bind::Value { path, value, .. } => {
                    let names: Vec<String> = ast
                        .attrs(path)
                        .iter()
                        .map(|&a| {
                            let saved = std::mem::take(&mut self.text);
                            self.show_attr(a);
                            std::mem::replace(&mut self.text, saved)
                        })
                        .collect();
                    let Some(last) = names.last() else { continue };
                    let shown = Shown::Bind {
                        last: last.clone(),
                        value,
                    };
                    if names.iter().any(|n| n.starts_with("\"${")) {
                        // Dynamic attributes come after the static ones, as in Nix.
                        dynamics.push(shown);
                    } else {
                        insert_path(&mut items, &names, shown);
                    }
                }
            }
        }
        self.print_shown(&items);
        for d in &dynamics {
            self.print_one(d);
        }
    }

    fn print_shown(&mut self, map: &BTreeMap<String, Shown>) {
        for (name, shown) in map {
            match shown {
                Shown::Nested(inner) => {
                    let name = if crate::print::is_identifier(name) {
                        name.clone()
                    } else {
                        format!("{name:?}")
                    };
                    let _ = write!(self.text, "{name} = {{ ");
                    stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.print_shown(inner));
                    self.push_str("}; ");
                }
                other => self.print_one(other),
            }
        }
    }

    fn print_one(&mut self, shown: &Shown) {
        match shown {
            Shown::Bind { last, value } => {
                self.push_str(last);
                self.push_str(" = ");
                self.show(*value);
                self.push_str("; ");
            }
            Shown::InheritFrom { name, from } => {
                self.push_str(name);
                self.push_str(" = (");
                self.show(*from);
                self.push_str(").");
                self.push_str(name);
                self.push_str("; ");
            }
            Shown::Text(text) => self.push_str(text),
            Shown::Nested(inner) => self.print_shown(inner),
        }
    }

    fn show_attrpath(&mut self, path: Range) {
        for (i, &attr) in self.ast.attrs(path).iter().enumerate() {
            if i > 0 {
                self.push('.');
            }
            self.show_attr(attr);
        }
    }

    fn show_attr(&mut self, attr: Attr) {
        match attr {
            Attr::Ident(s) => {
                let t = self.slice(s);
                self.push_str(t)
            }
            Attr::Str(n) => {
                let t = self.slice(self.ast.span(n));
                self.push_str(t)
            }
            Attr::Dynamic(e, _) => {
                self.push_str("\"${");
                self.show(e);
                self.push_str("}\"");
            }
        }
    }

    fn show_string(&mut self, parts: Range) {
        let ast = self.ast;
        let pieces = ast.parts(parts);
        if !pieces.iter().any(|p| matches!(p, Part::Interpolation(..))) {
            let mut bytes = Vec::new();
            for p in pieces {
                if let Part::Literal { start, len } = *p {
                    bytes.extend_from_slice(ast.literal(start, len));
                }
            }
            show_literal(&mut self.text, &bytes);
            return;
        }
        self.push('(');
        for (i, p) in pieces.iter().enumerate() {
            if i > 0 {
                self.push_str(" + ");
            }
            match *p {
                Part::Literal { start, len } => {
                    show_literal(&mut self.text, ast.literal(start, len))
                }
                Part::Interpolation(e, _) => self.show(e),
            }
        }
        self.push(')');
    }

    /// A path literal, resolved; with interpolation, a `+` chain after the resolved prefix.
    fn show_path(&mut self, parts: Range) {
        let ast = self.ast;
        let pieces = ast.parts(parts);
        if pieces.len() > 1 {
            self.push('(');
        }
        for (i, p) in pieces.iter().enumerate() {
            if i > 0 {
                self.push_str(" + ");
            }
            match *p {
                Part::Literal { start, len } if i == 0 => {
                    let lit = String::from_utf8_lossy(ast.literal(start, len)).into_owned();
                    let text = self.path(&lit);
                    self.push_str(&text);
                }
                Part::Literal { start, len } => {
                    show_literal(&mut self.text, ast.literal(start, len))
                }
                Part::Interpolation(e, _) => self.show(e),
            }
        }
        if pieces.len() > 1 {
            self.push(')');
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::source::{add_source, Origin, Span};

    /// `show_span` rests on syntax being context-free: every expression's text, parsed alone,
    /// shows as the expression does in its file's tree. Checked for every node of every fixture
    /// (the conditions of assertions are what it is used for).
    #[test]
    fn an_expression_parsed_alone_shows_as_in_its_tree() {
        let base = Path::new("/base/dir");
        let home = Some(Path::new("/home/user"));
        let mut asserts = 0;
        for path in crate::check::tests::fixture_files() {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(ast) = crate::parse::parse_fast(&text) else {
                continue;
            };
            let file = add_source(Origin::File(path.clone()), text.as_str().into());
            for id in 0..ast.nodes.len() as u32 {
                if matches!(ast.node(id), crate::parse::ast::Node::Assert { .. }) {
                    asserts += 1;
                }
                let s = ast.span(id);
                let in_tree = super::show_node(&ast, &text, id, base, home);
                let alone = super::show_span(Span::new(file, s.start, s.end), base, home);
                assert_eq!(
                    alone,
                    in_tree,
                    "{}: node at {}..{}",
                    path.display(),
                    s.start,
                    s.end
                );
            }
        }
        assert!(asserts > 10, "the fixtures have assertions");
    }
}

//! Values as XML, exactly as Nix 2.8's `printValueAsXML` writes them (`builtins.toXML`,
//! `nix-instantiate --eval --xml`).
//!
//! The document is `<?xml …?>` and an `<expr>` element, indented by two spaces per level.
//! Attribute sets list their attributes by name; a set with `type = "derivation"` becomes a
//! `<derivation>` element that shows its attributes only the first time its `drvPath` is met
//! (`<repeated />` after that, and always when it has no string `drvPath`). Functions show
//! their parameter pattern; builtins and values not yet evaluated are `<unevaluated />`.
//! With `location`, attributes and functions carry `path`, `line` and `column`.
//!
//! The indentation makes the document quadratic in the nesting depth (a list nested 30 000
//! deep is 1.8 GB, 11 s for Nix); nesting deeper than [`MAX_DEPTH`] elements is refused with
//! Nix's stack-overflow error rather than written for minutes.

use std::collections::{BTreeMap, HashSet};

use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::Machine;
use crate::ir::Param;
use crate::source::Span;
use crate::value::{AttrSet, Context, Value};

/// How to print.
#[derive(Clone, Copy, Debug)]
pub struct XmlConfig {
    /// Force every value first (`toXML`, `--strict`); otherwise what is not yet evaluated
    /// prints as `<unevaluated />`.
    pub strict: bool,
    /// Give attributes and functions their source positions (`nix-instantiate --xml`).
    pub location: bool,
}

/// The XML document for `v`, collecting the contexts of the strings it contains into `ctx`.
pub fn to_xml(
    m: &mut Machine,
    v: &Value,
    span: Span,
    config: XmlConfig,
    ctx: &mut Context,
) -> EvalResult<Vec<u8>> {
    let mut w = Writer {
        out: b"<?xml version='1.0' encoding='utf-8'?>\n".to_vec(),
        open: Vec::new(),
    };
    w.open("expr", &Default::default());
    let mut drvs_seen = HashSet::new();
    value(m, &mut w, v, span, config, ctx, &mut drvs_seen)?;
    w.close();
    Ok(w.out)
}

type XmlAttrs = BTreeMap<&'static str, Vec<u8>>;

/// The deepest element nesting written: the indentation alone is then about 100 MB.
pub const MAX_DEPTH: usize = 10_000;

fn single(name: &'static str, value: impl Into<Vec<u8>>) -> XmlAttrs {
    let mut a = XmlAttrs::new();
    a.insert(name, value.into());
    a
}

fn value(
    m: &mut Machine,
    w: &mut Writer,
    v: &Value,
    span: Span,
    config: XmlConfig,
    ctx: &mut Context,
    drvs_seen: &mut HashSet<Vec<u8>>,
) -> EvalResult<()> {
    let v = if config.strict {
        m.force(v, span)?
    } else {
        match v {
            Value::Thunk(t) => match t.value() {
                Some(v) => v,
                None => {
                    w.empty("unevaluated", &Default::default());
                    return Ok(());
                }
            },
            other => other.clone(),
        }
    };
    if w.open.len() > MAX_DEPTH {
        return Err(EvalError::new(ErrorKind::StackOverflow, span));
    }
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
        match &v {
            Value::Int(i) => w.empty("int", &single("value", i.to_string())),
            Value::Bool(b) => w.empty("bool", &single("value", if *b { "true" } else { "false" })),
            Value::String(s) => {
                ctx.extend(s.context());
                w.empty("string", &single("value", c_string(s.as_bytes())));
            }
            Value::Path(p) => w.empty(
                "path",
                &single("value", p.as_os_str().as_encoded_bytes().to_vec()),
            ),
            Value::Null => w.empty("null", &Default::default()),
            Value::Float(f) => w.empty("float", &single("value", crate::print::format_float(*f))),
            Value::Attrs(a) => {
                if is_derivation(m, a, span)? {
                    let mut attrs = XmlAttrs::new();
                    let mut drv_path = Vec::new();
                    for (sym, key) in [
                        (crate::sym!("drvPath"), "drvPath"),
                        (crate::sym!("outPath"), "outPath"),
                    ] {
                        if let Some(x) = a.get(sym) {
                            let x = if config.strict {
                                m.force(x, span)?
                            } else {
                                x.clone()
                            };
                            let x = match &x {
                                Value::Thunk(t) => t.value().unwrap_or(Value::Null),
                                other => other.clone(),
                            };
                            if let Value::String(s) = x {
                                let bytes = c_string(s.as_bytes()).to_vec();
                                if key == "drvPath" {
                                    drv_path = bytes.clone();
                                }
                                attrs.insert(key, bytes);
                            }
                        }
                    }
                    w.open("derivation", &attrs);
                    if !drv_path.is_empty() && drvs_seen.insert(drv_path) {
                        show_attrs(m, w, a, span, config, ctx, drvs_seen)?;
                    } else {
                        w.empty("repeated", &Default::default());
                    }
                    w.close();
                } else {
                    w.open("attrs", &Default::default());
                    show_attrs(m, w, a, span, config, ctx, drvs_seen)?;
                    w.close();
                }
            }
            Value::List(items) => {
                w.open("list", &Default::default());
                for item in items.iter() {
                    value(m, w, item, span, config, ctx, drvs_seen)?;
                }
                w.close();
            }
            Value::Lambda(c) => {
                let lambda = c.lambda;
                let mut attrs = XmlAttrs::new();
                if config.location {
                    position(&mut attrs, lambda.span);
                }
                w.open("function", &attrs);
                match &lambda.param {
                    Param::Ident(name) => w.empty("varpat", &single("name", name.as_str())),
                    Param::Formals(f) => {
                        let mut attrs = XmlAttrs::new();
                        if let Some(at) = f.at {
                            attrs.insert("name", at.as_str().into());
                        }
                        if f.ellipsis {
                            attrs.insert("ellipsis", b"1".to_vec());
                        }
                        w.open("attrspat", &attrs);
                        let mut names: Vec<&str> =
                            f.entries.iter().map(|e| e.name.as_str()).collect();
                        names.sort_unstable();
                        for name in names {
                            w.empty("attr", &single("name", name));
                        }
                        w.close();
                    }
                }
                w.close();
            }
            // Nix does not serialise builtins.
            Value::PrimOp(_) | Value::PrimOpApp(_) | Value::Thunk(_) => {
                w.empty("unevaluated", &Default::default())
            }
        }
        Ok(())
    })
}

fn show_attrs(
    m: &mut Machine,
    w: &mut Writer,
    a: &AttrSet,
    span: Span,
    config: XmlConfig,
    ctx: &mut Context,
    drvs_seen: &mut HashSet<Vec<u8>>,
) -> EvalResult<()> {
    let mut entries: Vec<_> = a.entries().iter().collect();
    entries.sort_by(|x, y| x.name.as_str().as_bytes().cmp(y.name.as_str().as_bytes()));
    for e in entries {
        let mut attrs = single("name", e.name.as_str());
        if config.location {
            if let Some(pos) = e.pos {
                position(&mut attrs, pos);
            }
        }
        w.open("attr", &attrs);
        value(
            m,
            w,
            &e.value,
            e.pos.unwrap_or(span),
            config,
            ctx,
            drvs_seen,
        )?;
        w.close();
    }
    Ok(())
}

/// Nix's `isDerivation`: a set whose `type` is the string `"derivation"` (forcing `type`).
fn is_derivation(m: &mut Machine, a: &AttrSet, span: Span) -> EvalResult<bool> {
    let Some(t) = a.get(crate::sym!("type")) else {
        return Ok(false);
    };
    let t = m.force(t, span)?;
    Ok(matches!(&t, Value::String(s) if s.as_bytes() == b"derivation"))
}

fn position(attrs: &mut XmlAttrs, span: Span) {
    let src = crate::source::source(span.file);
    let (line, col) = src.line_col(span.start);
    attrs.insert("path", src.display_name().into_bytes());
    attrs.insert("line", line.to_string().into_bytes());
    attrs.insert("column", col.to_string().into_bytes());
}

/// Nix 2.8 strings end at their first NUL byte.
fn c_string(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|&b| b == 0) {
        Some(i) => &bytes[..i],
        None => bytes,
    }
}

/// Nix's `XMLWriter` with indentation.
struct Writer {
    out: Vec<u8>,
    open: Vec<&'static str>,
}

impl Writer {
    fn indent(&mut self, depth: usize) {
        self.out.extend(std::iter::repeat_n(b' ', depth * 2));
    }

    fn open(&mut self, name: &'static str, attrs: &XmlAttrs) {
        self.indent(self.open.len());
        self.out.push(b'<');
        self.out.extend_from_slice(name.as_bytes());
        self.attrs(attrs);
        self.out.extend_from_slice(b">\n");
        self.open.push(name);
    }

    fn close(&mut self) {
        if let Some(name) = self.open.pop() {
            self.indent(self.open.len());
            self.out.extend_from_slice(b"</");
            self.out.extend_from_slice(name.as_bytes());
            self.out.extend_from_slice(b">\n");
        }
    }

    fn empty(&mut self, name: &'static str, attrs: &XmlAttrs) {
        self.indent(self.open.len());
        self.out.push(b'<');
        self.out.extend_from_slice(name.as_bytes());
        self.attrs(attrs);
        self.out.extend_from_slice(b" />\n");
    }

    fn attrs(&mut self, attrs: &XmlAttrs) {
        for (name, value) in attrs {
            self.out.push(b' ');
            self.out.extend_from_slice(name.as_bytes());
            self.out.extend_from_slice(b"=\"");
            for &c in value {
                match c {
                    b'"' => self.out.extend_from_slice(b"&quot;"),
                    b'<' => self.out.extend_from_slice(b"&lt;"),
                    b'>' => self.out.extend_from_slice(b"&gt;"),
                    b'&' => self.out.extend_from_slice(b"&amp;"),
                    b'\n' => self.out.extend_from_slice(b"&#xA;"),
                    _ => self.out.push(c),
                }
            }
            self.out.push(b'"');
        }
    }
}

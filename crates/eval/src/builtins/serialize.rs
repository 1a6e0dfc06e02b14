//! Serialisation: `toJSON`, `fromJSON`, `fromTOML`, `toXML`.
//!
//! `fromJSON` follows the JSON parser Nix 2.8 uses (nlohmann/json): strict RFC 8259 input;
//! an integer that fits 64 bits signed is an integer, one that fits 64 bits unsigned only is
//! an error (as in Nix 2.25 and later: Nix 2.8 wrapped it to a negative integer), a larger one
//! is a float; a float that overflows is an error; duplicate keys keep the last value. A string
//! or key holding NUL (`\u0000`) is an error, as in Nix 2.26 and later (Nix 2.8 cut the string
//! at it). `fromTOML` is TOML 1.0; dates and times are rejected as Nix 2.8 rejects them, and NUL
//! in a string or key is an error as in `fromJSON`.

use std::collections::BTreeMap;

use super::PrimOp;
use crate::error::{ErrorKind, EvalError, EvalResult, JsonProblem};
use crate::eval::Machine;
use crate::source::Span;
use crate::symbol::Symbol;
use crate::value::{nul_shown, AttrEntry, Attrs, Context, NixString, Value};

pub static PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "toJSON",
        arity: 1,
        doc: "The JSON text of a value (forcing it completely); string contexts are kept.",
        func: to_json,
    },
    PrimOp {
        name: "fromJSON",
        arity: 1,
        doc: "The value a JSON text denotes.",
        func: from_json,
    },
    PrimOp {
        name: "fromTOML",
        arity: 1,
        doc: "The attribute set a TOML document denotes.",
        func: from_toml,
    },
    PrimOp {
        name: "toXML",
        arity: 1,
        doc: "The XML text of a value, as `nix-instantiate --xml` prints it (without positions).",
        func: to_xml,
    },
];

fn to_json(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let mut out = String::new();
    let mut ctx = Context::default();
    crate::json::json_into(m, &args[0], span, &mut out, &mut ctx)?;
    Ok(Value::String(NixString::new(out.into_bytes(), ctx)))
}

fn to_xml(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let mut ctx = Context::default();
    let config = crate::xml::XmlConfig {
        strict: true,
        location: false,
    };
    let out = crate::xml::to_xml(m, &args[0], span, config, &mut ctx)?;
    Ok(Value::String(NixString::new(out, ctx)))
}

fn from_json(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let s = m.force_string_no_context(&args[0], span)?;
    let mut p = JsonParser {
        text: s.as_bytes(),
        i: 0,
    };
    let result = p.skip_ws().and_then(|_| p.value()).and_then(|v| {
        p.skip_ws()?;
        if p.i < p.text.len() {
            return Err(p.error("unexpected trailing input; expected end of input"));
        }
        Ok(v)
    });
    result.map_err(|fail| match fail {
        JsonFail::Syntax(message) => EvalError::other("eval::json_parse", message, span),
        JsonFail::Value(kind) => EvalError::new(kind, span),
    })
}

/// Why `fromJSON` (or `fromTOML`) failed: the text is not JSON (Nix's parser's message), or
/// it denotes something that is no Nix value.
enum JsonFail {
    Syntax(String),
    Value(ErrorKind),
}

struct JsonParser<'a> {
    text: &'a [u8],
    i: usize,
}

type JsonResult<T> = Result<T, JsonFail>;

impl JsonParser<'_> {
    fn error(&self, what: &str) -> JsonFail {
        let before = &self.text[..self.i.min(self.text.len())];
        let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
        let column = before.len()
            - before
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(0, |p| p + 1);
        JsonFail::Syntax(format!(
            "JSON parse error at line {line}, column {}: {what}",
            column + 1
        ))
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.i).copied()
    }

    fn skip_ws(&mut self) -> JsonResult<()> {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
        Ok(())
    }

    fn value(&mut self) -> JsonResult<Value> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value_inner())
    }

    fn value_inner(&mut self) -> JsonResult<Value> {
        match self.peek() {
            None => Err(self.error("unexpected end of input; expected '[', '{', or a literal")),
            Some(b'{') => {
                self.i += 1;
                let mut entries: BTreeMap<Vec<u8>, Value> = BTreeMap::new();
                self.skip_ws()?;
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(Value::attrs(Attrs::new()));
                }
                loop {
                    self.skip_ws()?;
                    if self.peek() != Some(b'"') {
                        return Err(self.error("expected a string as object key"));
                    }
                    let key = self.string()?;
                    self.skip_ws()?;
                    if self.peek() != Some(b':') {
                        return Err(self.error("expected ':' after object key"));
                    }
                    self.i += 1;
                    self.skip_ws()?;
                    let v = self.value()?;
                    // The last of duplicate keys wins, as in Nix.
                    entries.insert(key, v);
                    self.skip_ws()?;
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            break;
                        }
                        _ => return Err(self.error("expected ',' or '}' in object")),
                    }
                }
                let entries = entries
                    .into_iter()
                    .map(|(k, value)| AttrEntry {
                        name: Symbol::new(&String::from_utf8_lossy(&k)),
                        value,
                        pos: None,
                    })
                    .collect();
                Ok(Value::attrs(Attrs::from_unsorted(entries)))
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.skip_ws()?;
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(Value::list(items));
                }
                loop {
                    self.skip_ws()?;
                    items.push(self.value()?);
                    self.skip_ws()?;
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            break;
                        }
                        _ => return Err(self.error("expected ',' or ']' in array")),
                    }
                }
                Ok(Value::list(items))
            }
            Some(b'"') => {
                let s = self.string()?;
                Ok(Value::string(s))
            }
            Some(b't') => self.literal(b"true", Value::Bool(true)),
            Some(b'f') => self.literal(b"false", Value::Bool(false)),
            Some(b'n') => self.literal(b"null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("invalid literal")),
        }
    }

    fn literal(&mut self, word: &[u8], v: Value) -> JsonResult<Value> {
        if self.text[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(self.error("invalid literal"))
        }
    }

    fn number(&mut self) -> JsonResult<Value> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let s = p.i;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.i += 1;
            }
            p.i - s
        };
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.error("invalid number; expected digit after '-'")),
        }
        let mut is_float = false;
        if self.peek() == Some(b'.') {
            self.i += 1;
            is_float = true;
            if digits(self) == 0 {
                return Err(self.error("invalid number; expected digit after '.'"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            is_float = true;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("invalid number; expected digit after exponent sign"));
            }
        }
        // A leading zero followed by digits is two values, which the caller rejects.
        let text = std::str::from_utf8(&self.text[start..self.i]).unwrap_or("0");
        if !is_float {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Value::Int(i));
            }
            if let Ok(value) = text.parse::<u64>() {
                return Err(JsonFail::Value(ErrorKind::Json(
                    JsonProblem::IntegerOutOfRange { value },
                )));
            }
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => Err(JsonFail::Syntax(format!(
                "number overflow parsing '{text}'"
            ))),
        }
    }

    /// A string, after checking that it starts at `"`; one holding NUL is an error.
    fn string(&mut self) -> JsonResult<Vec<u8>> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("invalid string: missing closing quote"));
            };
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(self.error("invalid string: missing closing quote"));
                    };
                    self.i += 1;
                    match e {
                        b'"' | b'\\' | b'/' => out.push(e),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if !self.text[self.i..].starts_with(b"\\u") {
                                    return Err(self.error("invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF"));
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.error("invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return Err(self.error("invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF"));
                            } else {
                                hi
                            };
                            let ch = char::from_u32(code)
                                .ok_or_else(|| self.error("invalid string: bad code point"))?;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => {
                            return Err(
                                self.error("invalid string: forbidden character after backslash")
                            )
                        }
                    }
                }
                0..=0x1f => {
                    return Err(self.error("invalid string: control character must be escaped"));
                }
                0x80.. => {
                    // Multi-byte UTF-8 must be well formed.
                    let start = self.i - 1;
                    let len = match c {
                        0xC2..=0xDF => 2,
                        0xE0..=0xEF => 3,
                        0xF0..=0xF4 => 4,
                        _ => return Err(self.error("invalid string: ill-formed UTF-8 byte")),
                    };
                    let end = start + len;
                    if end > self.text.len() || std::str::from_utf8(&self.text[start..end]).is_err()
                    {
                        return Err(self.error("invalid string: ill-formed UTF-8 byte"));
                    }
                    out.extend_from_slice(&self.text[start..end]);
                    self.i = end;
                }
                _ => out.push(c),
            }
        }
        if let Some(shown) = nul_shown(&out) {
            return Err(JsonFail::Value(ErrorKind::NulInString { shown }));
        }
        Ok(out)
    }

    fn hex4(&mut self) -> JsonResult<u32> {
        let digits = self
            .text
            .get(self.i..self.i + 4)
            .ok_or_else(|| self.error("invalid string: '\\u' must be followed by 4 hex digits"))?;
        let s = std::str::from_utf8(digits)
            .map_err(|_| self.error("invalid string: '\\u' must be followed by 4 hex digits"))?;
        if !s.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(self.error("invalid string: '\\u' must be followed by 4 hex digits"));
        }
        self.i += 4;
        u32::from_str_radix(s, 16).map_err(|_| self.error("invalid string"))
    }
}

fn from_toml(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let s = m.force_string_no_context(&args[0], span)?;
    let fail = |message: String| {
        EvalError::other(
            "eval::toml_parse",
            format!("while parsing a TOML string: {message}"),
            span,
        )
    };
    let text = std::str::from_utf8(s.as_bytes())
        .map_err(|_| fail("the document is not valid UTF-8".into()))?;
    let depth = toml_nesting_bound(text);
    if depth > MAX_TOML_DEPTH {
        return Err(fail(format!(
            "nesting deeper than {MAX_TOML_DEPTH} levels is not supported"
        )));
    }
    // The parser, the conversion and the drop of the parsed document all recurse once per
    // level: all three run on a stack sized for the document.
    let stack = 1024 * 1024 + depth * TOML_STACK_PER_LEVEL;
    stacker::grow(stack, || {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| fail(e.to_string().trim_end().to_string()))?;
        toml_value(&toml::Value::Table(table)).map_err(|f| match f {
            JsonFail::Syntax(message) => fail(message),
            JsonFail::Value(kind) => EvalError::new(kind, span),
        })
    })
}

/// Nix 2.8's TOML parser (toml11) nests as deep as its stack allows: 5 000 levels of arrays
/// parse. Ours is recursive without a limit of its own (`toml`'s `unbounded`), so nesting is
/// bounded here.
const MAX_TOML_DEPTH: usize = 10_000;
/// Stack for one level of nesting, with a wide margin (toml's parser uses about 2 KB).
const TOML_STACK_PER_LEVEL: usize = 16 * 1024;

/// An upper bound of the document's nesting: the deepest `[`/`{` nesting outside strings and
/// comments, plus the most dots on a line (dotted keys nest tables).
fn toml_nesting_bound(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut max_depth, mut dots, mut max_dots) = (0usize, 0usize, 0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'{' => {
                depth += 1;
                max_depth = max_depth.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'.' => {
                dots += 1;
                max_dots = max_dots.max(dots);
            }
            b'\n' => dots = 0,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            quote @ (b'"' | b'\'') => {
                let triple = bytes[i..].starts_with(&[quote; 3]);
                i += if triple { 3 } else { 1 };
                while i < bytes.len() {
                    if quote == b'"' && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if triple && bytes[i..].starts_with(&[quote; 3]) {
                        i += 3;
                        break;
                    }
                    if !triple && (bytes[i] == quote || bytes[i] == b'\n') {
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    max_depth + max_dots
}

/// A string or key of a parsed document as a Nix string, which holds no NUL.
fn toml_string(s: &str) -> Result<&str, JsonFail> {
    match nul_shown(s.as_bytes()) {
        Some(shown) => Err(JsonFail::Value(ErrorKind::NulInString { shown })),
        None => Ok(s),
    }
}

fn toml_value(v: &toml::Value) -> Result<Value, JsonFail> {
    Ok(match v {
        toml::Value::String(s) => Value::string(toml_string(s)?),
        toml::Value::Integer(i) => Value::Int(*i),
        toml::Value::Float(f) => Value::Float(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(_) => {
            return Err(JsonFail::Syntax("Dates and times are not supported".into()))
        }
        toml::Value::Array(items) => {
            Value::list(items.iter().map(toml_value).collect::<Result<_, _>>()?)
        }
        toml::Value::Table(t) => {
            let mut entries = Vec::with_capacity(t.len());
            for (k, v) in t {
                entries.push(AttrEntry {
                    name: Symbol::new(toml_string(k)?),
                    value: toml_value(v)?,
                    pos: None,
                });
            }
            Value::attrs(Attrs::from_unsorted(entries))
        }
    })
}

//! Printing values as `nix-instantiate --eval` does, and briefly for error messages.

use std::collections::HashSet;
use std::rc::Rc;

use crate::value::Value;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PrintMode {
    /// Unevaluated thunks print as `<CODE>` (the value must already be forced where wanted).
    Lazy,
}

/// Prints a value exactly as Nix 2.8's `printValue`: sets sorted by name, `«repeated»` for a
/// set or list printed before (by Nix's notion of "the same": a set's bindings, a long list's
/// elements, a short list's value cell — here its thunk), `<CODE>` for what is not yet
/// evaluated.
pub fn print_value(v: &Value, mode: PrintMode) -> String {
    String::from_utf8_lossy(&print_value_bytes(v, mode)).into_owned()
}

/// Like [`print_value`], byte for byte: Nix strings need not be UTF-8 and are printed raw.
pub fn print_value_bytes(v: &Value, _mode: PrintMode) -> Vec<u8> {
    let mut out = Bytes(Vec::new());
    let mut seen = HashSet::new();
    print_into(&mut out, v, &mut seen);
    out.0
}

/// A byte buffer with the `push`/`push_str` of a `String`.
struct Bytes(Vec<u8>);

impl Bytes {
    fn push_str(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }

    fn push(&mut self, c: char) {
        let mut buf = [0; 4];
        self.0.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

fn print_into(out: &mut Bytes, v: &Value, seen: &mut HashSet<usize>) {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&format_float(*f)),
        Value::String(s) => escape_bytes(&mut out.0, s.as_bytes()),
        Value::Path(p) => out.0.extend_from_slice(p.as_os_str().as_encoded_bytes()),
        Value::Attrs(a) => {
            if !a.is_empty() && !seen.insert(a.as_ptr() as usize) {
                out.push_str("«repeated»");
                return;
            }
            out.push_str("{ ");
            for e in a.entries() {
                let mut name = String::new();
                print_attr_name(&mut name, e.name.as_str());
                out.push_str(&name);
                out.push_str(" = ");
                print_into(out, &e.value, seen);
                out.push_str("; ");
            }
            out.push('}');
        }
        Value::List(l) => {
            // Nix keeps lists of one or two elements inside the value cell itself, so it
            // knows them again only through the same cell (see the thunk case below); a longer
            // list is known by its elements' array, as a set by its bindings.
            if l.len() > 2 && !seen.insert(Rc::as_ptr(l) as usize) {
                out.push_str("«repeated»");
                return;
            }
            out.push_str("[ ");
            for item in l.iter() {
                print_into(out, item, seen);
                out.push(' ');
            }
            out.push(']');
        }
        Value::Lambda(_) => out.push_str("<LAMBDA>"),
        Value::PrimOp(_) => out.push_str("<PRIMOP>"),
        Value::PrimOpApp(_) => out.push_str("<PRIMOP-APP>"),
        Value::Thunk(t) => match t.value() {
            Some(Value::List(l)) if matches!(l.len(), 1 | 2) && !seen.insert(t.address()) => {
                out.push_str("«repeated»")
            }
            Some(v) => print_into(out, &v, seen),
            None => out.push_str("<CODE>"),
        },
    })
}

/// An attribute name as Nix prints it: bare when it is a valid identifier, quoted otherwise.
pub fn print_attr_name(out: &mut String, name: &str) {
    if is_identifier(name) {
        out.push_str(name);
    } else {
        escape_string(out, name.as_bytes());
    }
}

/// `[A-Za-z_][A-Za-z0-9_'-]*`, except `if`.
pub fn is_identifier(name: &str) -> bool {
    // Nix 2.8 quotes only `if` among the keywords (checked against nix-instantiate 2.8).
    const KEYWORDS: &[&str] = &["if"];
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '\'' | '-'))
        && !KEYWORDS.contains(&name)
}

/// A Nix string literal: `"`, `\`, newline, CR, tab and `${` escaped; other bytes raw.
pub fn escape_string(out: &mut String, bytes: &[u8]) {
    let mut buf = Vec::with_capacity(bytes.len() + 2);
    escape_bytes(&mut buf, bytes);
    out.push_str(&String::from_utf8_lossy(&buf));
}

fn escape_bytes(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.push(b'"');
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'"' | b'\\' => {
                buf.push(b'\\');
                buf.push(c);
            }
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'$' if bytes.get(i + 1) == Some(&b'{') => buf.extend_from_slice(b"\\$"),
            _ => buf.push(c),
        }
    }
    buf.push(b'"');
}

/// C++'s default `ostream << double`: `%g` with six significant digits.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        return if f.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        };
    }
    if f.is_infinite() {
        return if f < 0.0 { "-inf".into() } else { "inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    const PRECISION: i32 = 6;
    let sci = format!("{:.*e}", (PRECISION - 1) as usize, f);
    let (mantissa, exp) = sci.split_once('e').expect("exponent format");
    let exp: i32 = exp.parse().expect("exponent digits");
    if (-4..PRECISION).contains(&exp) {
        let decimals = (PRECISION - 1 - exp).max(0) as usize;
        let fixed = format!("{:.*}", decimals, f);
        strip_zeros(&fixed)
    } else {
        let m = strip_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.abs())
    }
}

fn strip_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// A short rendering of a value for error messages: at most a few elements and ~80 chars.
pub fn brief(v: &Value) -> String {
    let s = match v {
        Value::Attrs(a) => {
            let names: Vec<&str> = a.names().take(4).map(|n| n.as_str()).collect();
            let more = if a.len() > 4 { " …" } else { "" };
            if names.is_empty() {
                "{ }".to_string()
            } else {
                format!("{{ {}; {}}}", names.join("; "), more.trim_start()).replace("; }", "; }")
            }
        }
        Value::List(l) => format!(
            "a list of {} element{}",
            l.len(),
            if l.len() == 1 { "" } else { "s" }
        ),
        Value::Thunk(_) => String::new(),
        other => print_value(other, PrintMode::Lazy),
    };
    if s.chars().count() > 80 {
        let cut: String = s.chars().take(77).collect();
        format!("{cut}…")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_cpp_ostream() {
        // Expected values: C's printf("%g") semantics (six significant digits).
        assert_eq!(format_float(0.1 + 0.2), "0.3");
        assert_eq!(format_float(1.0), "1");
        assert_eq!(format_float(1e20), "1e+20");
        assert_eq!(format_float(1.5e-7), "1.5e-07");
        assert_eq!(format_float(123456789.0), "1.23457e+08");
        assert_eq!(format_float(100000.0), "100000");
        assert_eq!(format_float(0.0001), "0.0001");
        assert_eq!(format_float(-2.5), "-2.5");
    }
}

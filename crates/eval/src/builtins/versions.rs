//! Package names and versions: `parseDrvName`, `compareVersions`, `splitVersion`.
//!
//! A version is a sequence of components separated by `.` and `-`; a component is a maximal
//! run of digits or a maximal run of other characters (`1.2pre3` is `1`, `2`, `pre`, `3`).
//! Components compare as in Nix 2.8: two numbers numerically (a number is what fits a 32-bit
//! `int`; longer digit runs compare as words), the empty component (a version that ran out)
//! before a number, `pre` before everything else, words before numbers, words bytewise.

use std::cmp::Ordering;

use super::PrimOp;
use crate::error::EvalResult;
use crate::eval::Machine;
use crate::source::Span;
use crate::value::Value;

pub static PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "parseDrvName",
        arity: 1,
        doc: "Splits a package name at the first `-` not followed by a letter: \
              `{ name; version; }`.",
        func: parse_drv_name,
    },
    PrimOp {
        name: "compareVersions",
        arity: 2,
        doc: "Compares two versions component by component: -1, 0 or 1.",
        func: compare_versions,
    },
    PrimOp {
        name: "splitVersion",
        arity: 1,
        doc: "The components of a version, as `compareVersions` sees them.",
        func: split_version,
    },
];

fn parse_drv_name(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let s = m.force_string_no_context(&args[0], span)?;
    let bytes = s.as_bytes();
    let split = (0..bytes.len())
        .find(|&i| bytes[i] == b'-' && bytes.get(i + 1).is_some_and(|c| !c.is_ascii_alphabetic()));
    let (name, version): (&[u8], &[u8]) = match split {
        Some(i) => (&bytes[..i], &bytes[i + 1..]),
        None => (bytes, b""),
    };
    Ok(m.attrs_from(vec![
        (crate::sym!("name"), Value::string(name)),
        (crate::sym!("version"), Value::string(version)),
    ]))
}

fn compare_versions(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let a = m.force_string_no_context(&args[0], span)?;
    let b = m.force_string_no_context(&args[1], span)?;
    Ok(Value::Int(match compare(a.as_bytes(), b.as_bytes()) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }))
}

fn split_version(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let s = m.force_string_no_context(&args[0], span)?;
    let mut rest = s.as_bytes();
    let mut parts = Vec::new();
    loop {
        let c = next_component(&mut rest);
        if c.is_empty() {
            break;
        }
        parts.push(Value::string(c));
    }
    Ok(Value::list(parts))
}

/// Nix's `compareVersions`.
pub fn compare(mut a: &[u8], mut b: &[u8]) -> Ordering {
    while !a.is_empty() || !b.is_empty() {
        let ca = next_component(&mut a);
        let cb = next_component(&mut b);
        if component_less(ca, cb) {
            return Ordering::Less;
        }
        if component_less(cb, ca) {
            return Ordering::Greater;
        }
    }
    Ordering::Equal
}

/// Skips separators, then takes a run of digits or a run of other non-separator bytes.
fn next_component<'a>(rest: &mut &'a [u8]) -> &'a [u8] {
    let s = *rest;
    let start = s
        .iter()
        .position(|&c| c != b'.' && c != b'-')
        .unwrap_or(s.len());
    let s = &s[start..];
    let len = match s.first() {
        None => 0,
        Some(c) if c.is_ascii_digit() => s.iter().take_while(|c| c.is_ascii_digit()).count(),
        Some(_) => s
            .iter()
            .take_while(|&&c| !c.is_ascii_digit() && c != b'.' && c != b'-')
            .count(),
    };
    *rest = &s[len..];
    &s[..len]
}

/// A component as a number, when it is one that fits a C `int`.
fn as_number(c: &[u8]) -> Option<i32> {
    if c.is_empty() || !c.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(c).ok()?.parse().ok()
}

fn component_less(a: &[u8], b: &[u8]) -> bool {
    let (na, nb) = (as_number(a), as_number(b));
    match (na, nb) {
        (Some(x), Some(y)) => x < y,
        _ if a.is_empty() && nb.is_some() => true,
        _ if a == b"pre" && b != b"pre" => true,
        _ if b == b"pre" => false,
        (_, Some(_)) => true,
        (Some(_), _) => false,
        _ => a < b,
    }
}

#[cfg(test)]
mod tests {
    use super::compare;
    use std::cmp::Ordering::*;

    #[test]
    fn pre_releases_sort_first() {
        assert_eq!(compare(b"1.0pre1", b"1.0"), Less);
        assert_eq!(compare(b"1.0", b"1.0.0"), Less);
        assert_eq!(compare(b"2.3a", b"2.3.1"), Less);
        assert_eq!(compare(b"1-2", b"1.2"), Equal);
    }
}

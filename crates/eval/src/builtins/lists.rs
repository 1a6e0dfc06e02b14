//! Lists.

use std::rc::Rc;

use super::PrimOp;
use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::Machine;
use crate::source::Span;
use crate::symbol::Symbol;
use crate::value::{AttrEntry, Attrs, Value};

pub static PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "length",
        arity: 1,
        doc: "The number of elements of a list.",
        func: length,
    },
    PrimOp {
        name: "head",
        arity: 1,
        doc: "The first element of a list; an error on `[]`.",
        func: head,
    },
    PrimOp {
        name: "tail",
        arity: 1,
        doc: "The list without its first element; an error on `[]`.",
        func: tail,
    },
    PrimOp {
        name: "elemAt",
        arity: 2,
        doc: "Element `n` (from 0) of a list.",
        func: elem_at,
    },
    PrimOp {
        name: "map",
        arity: 2,
        doc: "Applies `f` to every element of a list, lazily.",
        func: map,
    },
    PrimOp {
        name: "filter",
        arity: 2,
        doc: "The elements for which `f` returns true.",
        func: filter,
    },
    PrimOp {
        name: "genList",
        arity: 2,
        doc: "`[ (f 0) … (f (n - 1)) ]`, lazily.",
        func: gen_list,
    },
    PrimOp {
        name: "foldl'",
        arity: 3,
        doc: "Left fold, strict in the accumulator.",
        func: foldl_strict,
    },
    PrimOp {
        name: "concatLists",
        arity: 1,
        doc: "Concatenates a list of lists.",
        func: concat_lists,
    },
    PrimOp {
        name: "concatMap",
        arity: 2,
        doc: "`concatLists (map f list)`.",
        func: concat_map,
    },
    PrimOp {
        name: "elem",
        arity: 2,
        doc: "Whether `x` is equal to an element of the list.",
        func: elem,
    },
    PrimOp {
        name: "all",
        arity: 2,
        doc: "Whether `pred` holds for every element.",
        func: all,
    },
    PrimOp {
        name: "any",
        arity: 2,
        doc: "Whether `pred` holds for some element.",
        func: any,
    },
    PrimOp {
        name: "sort",
        arity: 2,
        doc: "Sorts a list with a less-than comparator; stable.",
        func: sort,
    },
    PrimOp {
        name: "partition",
        arity: 2,
        doc: "Splits a list into `{ right; wrong; }` by a predicate.",
        func: partition,
    },
    PrimOp {
        name: "groupBy",
        arity: 2,
        doc: "Groups elements into a set of lists by the name `f` gives each.",
        func: group_by,
    },
];

fn length(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    Ok(Value::Int(m.force_list(&a[0], s)?.len() as i64))
}

fn head(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let l = m.force_list(&a[0], s)?;
    match l.first() {
        Some(v) => {
            let v = v.clone();
            m.force(&v, s)
        }
        None => Err(EvalError::new(
            ErrorKind::EmptyList {
                function: "builtins.head",
            },
            s,
        )),
    }
}

fn tail(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let l = m.force_list(&a[0], s)?;
    if l.is_empty() {
        return Err(EvalError::new(ErrorKind::EmptyList { function: "tail" }, s));
    }
    Ok(Value::list(l[1..].to_vec()))
}

fn elem_at(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let l = m.force_list(&a[0], s)?;
    let n = m.force_int(&a[1], s)?;
    if n < 0 || n as usize >= l.len() {
        return Err(EvalError::other(
            "eval::index_out_of_bounds",
            format!("list index {n} is out of bounds"),
            s,
        ));
    }
    let v = l[n as usize].clone();
    m.force(&v, s)
}

fn map(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let l = m.force_list(&a[1], s)?;
    let f = &a[0];
    Ok(Value::list(
        l.iter().map(|x| m.lazy_call(f, x.clone(), s)).collect(),
    ))
}

fn filter(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let f = m.force(&a[0], s)?;
    let l = m.force_list(&a[1], s)?;
    let mut out = Vec::new();
    let mut all_kept = true;
    for x in l.iter() {
        let keep = m.call(f.clone(), x.clone(), s)?;
        if m.expect_bool(&keep, s)? {
            out.push(x.clone());
        } else {
            all_kept = false;
        }
    }
    if all_kept {
        return Ok(Value::List(l));
    }
    Ok(Value::list(out))
}

fn gen_list(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let n = m.force_int(&a[1], s)?;
    if n < 0 {
        return Err(EvalError::other(
            "eval::invalid_length",
            format!("cannot create list of size {n}"),
            s,
        ));
    }
    let f = &a[0];
    Ok(Value::list(
        (0..n).map(|i| m.lazy_call(f, Value::Int(i), s)).collect(),
    ))
}

fn foldl_strict(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let l = m.force_list(&a[2], s)?;
    let mut acc = a[1].clone();
    if l.is_empty() {
        return m.force(&acc, s);
    }
    let f = m.force(&a[0], s)?;
    for x in l.iter() {
        acc = m.call_many(&f, &[acc, x.clone()], s)?;
    }
    Ok(acc)
}

fn concat_lists(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let outer = m.force_list(&a[0], s)?;
    let mut out = Vec::new();
    for l in outer.iter() {
        let l = m.force_list(l, s)?;
        out.extend(l.iter().cloned());
    }
    Ok(Value::list(out))
}

fn concat_map(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let f = m.force(&a[0], s)?;
    let l = m.force_list(&a[1], s)?;
    let mut out = Vec::new();
    for x in l.iter() {
        let r = m.call(f.clone(), x.clone(), s)?;
        out.extend(m.expect_list(&r, s)?.iter().cloned());
    }
    Ok(Value::list(out))
}

fn elem(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let l = m.force_list(&a[1], s)?;
    for x in l.iter() {
        if m.values_equal(&a[0], x, s)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn quantify(m: &mut Machine, a: &[Value], s: Span, wanted: bool) -> EvalResult<Value> {
    let f = m.force(&a[0], s)?;
    let l = m.force_list(&a[1], s)?;
    for x in l.iter() {
        let r = m.call(f.clone(), x.clone(), s)?;
        if m.expect_bool(&r, s)? == wanted {
            return Ok(Value::Bool(wanted));
        }
    }
    Ok(Value::Bool(!wanted))
}

fn all(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    quantify(m, a, s, false)
}

fn any(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    quantify(m, a, s, true)
}

/// A stable merge sort whose comparator may fail; an inconsistent comparator yields some
/// permutation of the input, never a crash.
fn sort(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let f = m.force(&a[0], s)?;
    // Nix checks the comparator first, even when the list is too short to call it.
    m.expect_function(&f, s)?;
    let l = m.force_list(&a[1], s)?;
    let mut items: Vec<Value> = l.iter().cloned().collect();
    let less = |m: &mut Machine, x: &Value, y: &Value| -> EvalResult<bool> {
        let r = m.call_many(&f, &[x.clone(), y.clone()], s)?;
        m.expect_bool(&r, s)
    };
    let mut buf = items.clone();
    let n = items.len();
    let mut width = 1;
    while width < n {
        let mut i = 0;
        while i < n {
            let mid = (i + width).min(n);
            let end = (i + 2 * width).min(n);
            let (mut p, mut q, mut k) = (i, mid, i);
            while p < mid && q < end {
                // Take from the right run only when it is strictly less: stability.
                if less(m, &items[q], &items[p])? {
                    buf[k] = items[q].clone();
                    q += 1;
                } else {
                    buf[k] = items[p].clone();
                    p += 1;
                }
                k += 1;
            }
            while p < mid {
                buf[k] = items[p].clone();
                p += 1;
                k += 1;
            }
            while q < end {
                buf[k] = items[q].clone();
                q += 1;
                k += 1;
            }
            i += 2 * width;
        }
        std::mem::swap(&mut items, &mut buf);
        width *= 2;
    }
    Ok(Value::list(items))
}

fn partition(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let f = m.force(&a[0], s)?;
    let l = m.force_list(&a[1], s)?;
    let (mut right, mut wrong) = (Vec::new(), Vec::new());
    for x in l.iter() {
        let r = m.call(f.clone(), x.clone(), s)?;
        if m.expect_bool(&r, s)? {
            right.push(x.clone());
        } else {
            wrong.push(x.clone());
        }
    }
    Ok(m.attrs_from(vec![
        (crate::sym!("right"), Value::list(right)),
        (crate::sym!("wrong"), Value::list(wrong)),
    ]))
}

fn group_by(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let f = m.force(&a[0], s)?;
    let l = m.force_list(&a[1], s)?;
    let mut groups: std::collections::BTreeMap<Symbol, Vec<Value>> = Default::default();
    for x in l.iter() {
        let r = m.call(f.clone(), x.clone(), s)?;
        let name = m.force_string_no_context(&r, s)?;
        groups
            .entry(Symbol::from_bytes(name.as_bytes()))
            .or_default()
            .push(x.clone());
    }
    let entries = groups
        .into_iter()
        .map(|(name, items)| AttrEntry {
            name,
            value: Value::List(Rc::new(items)),
            pos: None,
        })
        .collect();
    Ok(Value::attrs(Attrs::from_sorted(entries)))
}

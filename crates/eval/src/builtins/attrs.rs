//! Attribute sets.

use super::PrimOp;
use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::Machine;
use crate::source::Span;
use crate::symbol::Symbol;
use crate::thunk::Thunk;
use crate::value::{AttrEntry, AttrSet, Attrs, Value};

pub static PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "attrNames",
        arity: 1,
        doc: "The names of a set's attributes, sorted.",
        func: attr_names,
    },
    PrimOp {
        name: "attrValues",
        arity: 1,
        doc: "The values of a set's attributes, sorted by name.",
        func: attr_values,
    },
    PrimOp {
        name: "hasAttr",
        arity: 2,
        doc: "Whether set `s` has attribute `name`.",
        func: has_attr,
    },
    PrimOp {
        name: "getAttr",
        arity: 2,
        doc: "Attribute `name` of set `s`.",
        func: get_attr,
    },
    PrimOp {
        name: "removeAttrs",
        arity: 2,
        doc: "The set without the listed attributes.",
        func: remove_attrs,
    },
    PrimOp {
        name: "listToAttrs",
        arity: 1,
        doc: "A set from a list of `{ name; value; }`; the first of equal names wins.",
        func: list_to_attrs,
    },
    PrimOp {
        name: "intersectAttrs",
        arity: 2,
        doc: "The attributes of `e2` whose names are in `e1`.",
        func: intersect_attrs,
    },
    PrimOp {
        name: "mapAttrs",
        arity: 2,
        doc: "Applies `f name value` to every attribute, lazily.",
        func: map_attrs,
    },
    PrimOp {
        name: "catAttrs",
        arity: 2,
        doc: "The values of attribute `name` in the sets of a list that have it.",
        func: cat_attrs,
    },
    PrimOp {
        name: "zipAttrsWith",
        arity: 2,
        doc: "Merges a list of sets: `f name [ values … ]` per name.",
        func: zip_attrs_with,
    },
    PrimOp {
        name: "unsafeGetAttrPos",
        arity: 2,
        doc: "`{ file; line; column; }` of an attribute's definition, or null.",
        func: unsafe_get_attr_pos,
    },
    PrimOp {
        name: "genericClosure",
        arity: 1,
        doc: "The closure of `startSet` under `operator`, by `key`.",
        func: generic_closure,
    },
];

fn attr_names(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let set = m.force_attrs(&a[0], s)?;
    Ok(Value::list(
        set.names()
            .map(|n| Value::String(n.to_nix_string()))
            .collect(),
    ))
}

fn attr_values(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let set = m.force_attrs(&a[0], s)?;
    Ok(Value::list(set.values().cloned().collect()))
}

fn name_arg(m: &mut Machine, v: &Value, s: Span) -> EvalResult<Symbol> {
    let name = m.force_string_no_context(v, s)?;
    Ok(Symbol::from_bytes(name.as_bytes()))
}

fn has_attr(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let name = name_arg(m, &a[0], s)?;
    let set = m.force_attrs(&a[1], s)?;
    Ok(Value::Bool(set.contains(name)))
}

fn get_attr(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let name = name_arg(m, &a[0], s)?;
    let set = m.force(&a[1], s)?;
    let attrs = m.expect_attrs(&set, s)?;
    match attrs.get(name) {
        Some(v) => {
            let v = v.clone();
            m.force(&v, s)
        }
        // Nix reports this at the set's definition.
        None => Err(m
            .missing_attribute(&set, name, attrs.pos().unwrap_or(s))
            .with_label(s, "requested here")),
    }
}

fn remove_attrs(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let set = m.force_attrs(&a[0], s)?;
    let names = m.force_list(&a[1], s)?;
    let mut out = set.to_attrs();
    for n in names.iter() {
        let n = name_arg(m, n, s)?;
        out.remove(n);
    }
    Ok(Value::attrs(out))
}

fn list_to_attrs(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let list = m.force_list(&a[0], s)?;
    let mut entries = Vec::with_capacity(list.len());
    let (name_sym, value_sym) = (crate::sym!("name"), crate::sym!("value"));
    for item in list.iter() {
        let item = m.force_attrs(item, s)?;
        let Some(name) = item.get(name_sym).cloned() else {
            return Err(EvalError::new(
                ErrorKind::MissingAttribute {
                    name: "name".into(),
                    suggestions: Vec::new(),
                },
                item.pos().unwrap_or(s),
            ));
        };
        let name = name_arg(m, &name, s)?;
        let Some(entry) = item.get_entry(value_sym) else {
            return Err(EvalError::new(
                ErrorKind::MissingAttribute {
                    name: "value".into(),
                    suggestions: Vec::new(),
                },
                s,
            ));
        };
        entries.push(AttrEntry {
            name,
            value: entry.value.clone(),
            pos: entry.pos,
        });
    }
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

fn intersect_attrs(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let left = m.force_attrs(&a[0], s)?;
    let right = m.force_attrs(&a[1], s)?;
    let entries = right
        .entries()
        .iter()
        .filter(|e| left.contains(e.name))
        .cloned()
        .collect();
    Ok(Value::attrs(Attrs::from_sorted(entries)))
}

fn map_attrs(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let set = m.force_attrs(&a[1], s)?;
    let f = a[0].clone();
    let entries = set.entries().iter().map(|e| {
        let name = Value::String(e.name.to_nix_string());
        let thunk = Thunk::apply2(f.clone(), name, e.value.clone(), s);
        // Positions are not carried over: the values are new (nixpkgs' module tests
        // expect `mapAttrs` to discard them, as current Nix does).
        AttrEntry {
            name: e.name,
            value: Value::Thunk(thunk),
            pos: None,
        }
    });
    Ok(Value::Attrs(AttrSet::from_sorted_exact(
        set.len(),
        None,
        entries,
    )))
}

fn cat_attrs(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let name = name_arg(m, &a[0], s)?;
    let list = m.force_list(&a[1], s)?;
    let mut out = Vec::new();
    for item in list.iter() {
        let set = m.force_attrs(item, s)?;
        if let Some(v) = set.get(name) {
            out.push(v.clone());
        }
    }
    Ok(Value::list(out))
}

fn zip_attrs_with(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let list = m.force_list(&a[1], s)?;
    let mut groups: std::collections::BTreeMap<Symbol, Vec<Value>> = Default::default();
    for item in list.iter() {
        let set = m.force_attrs(item, s)?;
        for e in set.entries() {
            groups.entry(e.name).or_default().push(e.value.clone());
        }
    }
    let f = a[0].clone();
    let len = groups.len();
    let entries = groups.into_iter().map(|(name, values)| {
        let name_v = Value::String(name.to_nix_string());
        let thunk = Thunk::apply2(f.clone(), name_v, Value::list(values), s);
        AttrEntry {
            name,
            value: Value::Thunk(thunk),
            pos: None,
        }
    });
    Ok(Value::Attrs(AttrSet::from_sorted_exact(len, None, entries)))
}

fn unsafe_get_attr_pos(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let name = name_arg(m, &a[0], s)?;
    let set = m.force_attrs(&a[1], s)?;
    Ok(match set.get_entry(name).and_then(|e| e.pos) {
        Some(pos) => m.position_attrs(pos),
        None => Value::Null,
    })
}

/// The order of two forced genericClosure keys: `<` both ways, with the common cases of
/// integers and strings answered directly.
fn compare_keys(m: &mut Machine, a: &Value, b: &Value, s: Span) -> EvalResult<std::cmp::Ordering> {
    use std::cmp::Ordering;
    Ok(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        _ if m.less_than_forced(a, b, s)? => Ordering::Less,
        _ if m.less_than_forced(b, a, s)? => Ordering::Greater,
        _ => Ordering::Equal,
    })
}

fn generic_closure(m: &mut Machine, a: &[Value], s: Span) -> EvalResult<Value> {
    let args = m.force_attrs(&a[0], s)?;
    let get = |name: &str| -> EvalResult<Value> {
        args.get(Symbol::new(name)).cloned().ok_or_else(|| {
            EvalError::new(
                ErrorKind::RequiredAttribute {
                    name: name.to_owned(),
                    function: None,
                },
                s,
            )
        })
    };
    let start = get("startSet")?;
    let operator = get("operator")?;
    let operator = m.force(&operator, s)?;
    let mut work: std::collections::VecDeque<Value> =
        m.force_list(&start, s)?.iter().cloned().collect();
    let mut seen: Vec<Value> = Vec::new();
    let mut out = Vec::new();
    let key_sym = crate::sym!("key");
    while let Some(item) = work.pop_front() {
        let set = m.force_attrs(&item, s)?;
        let Some(key) = set.get(key_sym).cloned() else {
            return Err(EvalError::new(
                ErrorKind::RequiredAttribute {
                    name: "key".into(),
                    function: None,
                },
                s,
            ));
        };
        let key = m.force(&key, s)?;
        // The keys seen so far, kept sorted by Nix's value order (what `<` compares; keys of
        // other types, or of two incomparable types, are an error as in Nix): a binary search
        // instead of a scan keeps large closures from going quadratic.
        let mut low = 0;
        let mut high = seen.len();
        let mut known = false;
        while low < high {
            let mid = (low + high) / 2;
            match compare_keys(m, &key, &seen[mid], s)? {
                std::cmp::Ordering::Less => high = mid,
                std::cmp::Ordering::Greater => low = mid + 1,
                std::cmp::Ordering::Equal => {
                    known = true;
                    break;
                }
            }
        }
        if known {
            continue;
        }
        seen.insert(low, key);
        out.push(item.clone());
        let next = m.call(operator.clone(), item, s)?;
        work.extend(m.expect_list(&next, s)?.iter().cloned());
    }
    Ok(Value::list(out))
}

//! Nix values.
//!
//! [`Value`] is one machine word of payload plus a tag; every heap case is behind an `Rc`, so
//! cloning a value is at most a reference-count increment. Containers (lists, attribute sets,
//! environments) hold values that may still be [`Thunk`]s; `Machine::force` turns them into
//! weak-head-normal form. Laziness itself lives only in `thunk.rs`.

mod attr_set;
mod attrs;
mod string;

pub use attr_set::AttrSet;
pub use attrs::{AttrEntry, Attrs};
pub use string::{nul_shown, Context, NixString};

use std::path::PathBuf;
use std::rc::Rc;

use crate::builtins::PrimOp;
use crate::env::Env;
use crate::ir::Lambda;
pub use crate::thunk::Thunk;

pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(NixString),
    /// An absolute, canonical path (interpolated path prefixes may carry a trailing slash).
    Path(Rc<PathBuf>),
    Attrs(AttrSet),
    List(Rc<Vec<Value>>),
    Lambda(Rc<Closure>),
    PrimOp(&'static PrimOp),
    PrimOpApp(Rc<PrimOpApp>),
    Thunk(Thunk),
}

impl Clone for Value {
    /// Written out so that it inlines: copying a value is the evaluator's most common
    /// operation, and each case is a copy or one reference-count increment.
    #[inline]
    fn clone(&self) -> Value {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Float(*f),
            Value::String(s) => Value::String(s.clone()),
            Value::Path(p) => Value::Path(p.clone()),
            Value::Attrs(a) => Value::Attrs(a.clone()),
            Value::List(l) => Value::List(l.clone()),
            Value::Lambda(c) => Value::Lambda(c.clone()),
            Value::PrimOp(op) => Value::PrimOp(op),
            Value::PrimOpApp(app) => Value::PrimOpApp(app.clone()),
            Value::Thunk(t) => Value::Thunk(t.clone()),
        }
    }
}

pub struct Closure {
    pub lambda: &'static Lambda,
    pub env: Rc<Env>,
}

/// A builtin applied to fewer arguments than its arity.
pub struct PrimOpApp {
    pub op: &'static PrimOp,
    pub args: Vec<Value>,
}

thread_local! {
    static EMPTY_LIST: Rc<Vec<Value>> = Rc::new(Vec::new());
}

impl Value {
    pub fn string(s: impl Into<NixString>) -> Value {
        Value::String(s.into())
    }

    pub fn attrs(a: Attrs) -> Value {
        Value::Attrs(AttrSet::from(a))
    }

    /// A list value. Every empty list is one shared allocation: the module system builds
    /// hundreds of thousands of them (233,000 for 1,600 submodules), and no observer can tell
    /// empty lists apart (printing never calls one «repeated», and equality has no element to
    /// compare by identity).
    pub fn list(items: Vec<Value>) -> Value {
        if items.is_empty() {
            return EMPTY_LIST.with(|empty| Value::List(empty.clone()));
        }
        Value::List(Rc::new(items))
    }

    pub fn path(p: PathBuf) -> Value {
        Value::Path(Rc::new(p))
    }

    /// The type name `builtins.typeOf` returns (for a forced value).
    pub fn type_of(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Path(_) => "path",
            Value::Attrs(_) => "set",
            Value::List(_) => "list",
            Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => "lambda",
            Value::Thunk(_) => "thunk",
        }
    }

    /// The phrase Nix uses in type errors: "a string", "an integer", "a set", ….
    pub fn type_phrase(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a Boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::String(_) => "a string",
            Value::Path(_) => "a path",
            Value::Attrs(_) => "a set",
            Value::List(_) => "a list",
            Value::Lambda(_) => "a function",
            Value::PrimOp(_) => "a built-in function",
            Value::PrimOpApp(_) => "a partially applied built-in function",
            Value::Thunk(_) => "a thunk",
        }
    }

    pub fn is_function(&self) -> bool {
        matches!(
            self,
            Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_)
        )
    }

    /// True when two values are the same heap object; Nix treats a value as equal to itself
    /// even when it contains functions, which lets `[ f ] == [ f ]` hold for one `f`.
    pub fn ptr_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Attrs(a), Value::Attrs(b)) => AttrSet::ptr_eq(a, b),
            (Value::List(a), Value::List(b)) => Rc::ptr_eq(a, b),
            (Value::Lambda(a), Value::Lambda(b)) => Rc::ptr_eq(a, b),
            (Value::PrimOp(a), Value::PrimOp(b)) => std::ptr::eq(*a, *b),
            (Value::PrimOpApp(a), Value::PrimOpApp(b)) => Rc::ptr_eq(a, b),
            (Value::Thunk(a), Value::Thunk(b)) => a.ptr_eq(b),
            _ => false,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

//! Interned identifiers and attribute names.
//!
//! A [`Symbol`] is a pointer to a leaked, interned string: equality and hashing are by pointer
//! (one comparison), ordering is by the string's bytes (Nix orders attribute names that way), and
//! reading the text needs no table lookup. Names are never freed; a program has few distinct ones.

use std::cell::RefCell;
use std::fmt;
use std::hash::{Hash, Hasher};

#[derive(Clone, Copy)]
pub struct Symbol(&'static str);

thread_local! {
    static INTERNER: RefCell<rustc_hash::FxHashSet<&'static str>> = RefCell::new(Default::default());
}

impl Symbol {
    pub fn new(name: &str) -> Symbol {
        INTERNER.with(|set| {
            let mut set = set.borrow_mut();
            if let Some(s) = set.get(name) {
                return Symbol(s);
            }
            let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
            set.insert(leaked);
            Symbol(leaked)
        })
    }

    /// Interns a byte string. Attribute names built at run time may in principle be any bytes;
    /// names that are not UTF-8 are interned in their lossy UTF-8 form (a known, documented
    /// deviation: such names do not occur in real Nix code).
    pub fn from_bytes(name: &[u8]) -> Symbol {
        match std::str::from_utf8(name) {
            Ok(s) => Symbol::new(s),
            Err(_) => Symbol::new(&String::from_utf8_lossy(name)),
        }
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl PartialEq for Symbol {
    fn eq(&self, other: &Symbol) -> bool {
        std::ptr::eq(self.0.as_ptr(), other.0.as_ptr())
    }
}
impl Eq for Symbol {}

impl Hash for Symbol {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.0.as_ptr() as usize).hash(state)
    }
}

impl PartialOrd for Symbol {
    fn partial_cmp(&self, other: &Symbol) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Symbol {
    fn cmp(&self, other: &Symbol) -> std::cmp::Ordering {
        if self == other {
            std::cmp::Ordering::Equal
        } else {
            self.0.as_bytes().cmp(other.0.as_bytes())
        }
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// A symbol for a name known at compile time, interned once per call site and thread.
#[macro_export]
macro_rules! sym {
    ($name:literal) => {{
        thread_local!(static SYMBOL: $crate::symbol::Symbol = $crate::symbol::Symbol::new($name));
        SYMBOL.with(|s| *s)
    }};
}

//! Interned identifiers and attribute names.
//!
//! A [`Symbol`] is one pointer to a leaked, interned name: equality and hashing are by pointer
//! (one comparison), ordering is by the string's bytes (Nix orders attribute names that way,
//! mostly decided by a cached eight-byte prefix), and reading the text needs no table lookup.
//! Names are never freed; a program has few distinct ones.

use std::cell::RefCell;
use std::fmt;
use std::hash::{Hash, Hasher};

#[derive(Clone, Copy)]
pub struct Symbol(&'static Name);

/// An interned name: its text, and its first eight bytes as a big-endian number, so that
/// ordering two names (what every binary search over an attribute set does) is usually one
/// integer comparison instead of a call to `memcmp`.
struct Name {
    prefix: u64,
    text: &'static str,
    /// The name as a Nix string, made when first asked for: `attrNames`, `mapAttrs` and
    /// `zipAttrsWith` hand names to Nix code as strings, and the module system asks for the
    /// same names over and over (as in Nix, whose name strings point at the symbol's text).
    string: std::cell::OnceCell<crate::value::NixString>,
}

thread_local! {
    static INTERNER: RefCell<rustc_hash::FxHashMap<&'static str, &'static Name>> =
        RefCell::new(Default::default());
}

fn prefix_of(text: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = text.len().min(8);
    bytes[..n].copy_from_slice(&text.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

impl Symbol {
    pub fn new(name: &str) -> Symbol {
        INTERNER.with(|table| {
            let mut table = table.borrow_mut();
            if let Some(interned) = table.get(name) {
                return Symbol(interned);
            }
            let text: &'static str = Box::leak(name.to_owned().into_boxed_str());
            let interned: &'static Name = Box::leak(Box::new(Name {
                prefix: prefix_of(text),
                text,
                string: std::cell::OnceCell::new(),
            }));
            table.insert(text, interned);
            Symbol(interned)
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
        self.0.text
    }

    /// The name as a Nix string (without context), shared by every use.
    pub fn to_nix_string(self) -> crate::value::NixString {
        self.0
            .string
            .get_or_init(|| crate::value::NixString::from(self.0.text))
            .clone()
    }
}

impl PartialEq for Symbol {
    #[inline]
    fn eq(&self, other: &Symbol) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}
impl Eq for Symbol {}

impl Hash for Symbol {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.0 as *const Name as usize).hash(state)
    }
}

impl PartialOrd for Symbol {
    fn partial_cmp(&self, other: &Symbol) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Symbol {
    /// By bytes, as Nix orders attribute names.
    #[inline]
    fn cmp(&self, other: &Symbol) -> std::cmp::Ordering {
        if self == other {
            return std::cmp::Ordering::Equal;
        }
        match self.0.prefix.cmp(&other.0.prefix) {
            std::cmp::Ordering::Equal => self.0.text.as_bytes().cmp(other.0.text.as_bytes()),
            unequal => unequal,
        }
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0.text)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.text)
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

#[cfg(test)]
mod tests {
    use super::Symbol;

    /// Ordering by the cached prefix must agree with ordering by bytes, including names that
    /// share their first eight bytes, are prefixes of each other or hold NUL bytes.
    #[test]
    fn symbols_order_by_bytes() {
        let names = [
            "",
            "a",
            "a\0",
            "a\0\0",
            "ab",
            "abcdefgh",
            "abcdefgh\0",
            "abcdefghi",
            "abcdefgi",
            "b",
            "\u{e9}",
            "z\u{ff}",
            "Zeta",
            "_module",
            "__functor",
            "opt10",
            "opt9",
        ];
        for x in names {
            for y in names {
                let (sx, sy) = (Symbol::new(x), Symbol::new(y));
                assert_eq!(
                    sx.cmp(&sy),
                    x.as_bytes().cmp(y.as_bytes()),
                    "{x:?} vs {y:?}"
                );
                assert_eq!(sx == sy, x == y);
            }
        }
    }

    #[test]
    fn a_symbol_is_one_word() {
        assert_eq!(std::mem::size_of::<Symbol>(), 8);
    }
}

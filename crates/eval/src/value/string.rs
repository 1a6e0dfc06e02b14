//! Nix strings: byte strings with a context.
//!
//! Nix strings are sequences of bytes (a file read with `readFile` need not be UTF-8), so we
//! keep bytes. The context records the store paths a string refers to, in Nix's own encoding:
//! `/nix/store/…` (a plain path), `=/nix/store/….drv` (a derivation and its whole closure) and
//! `!out!/nix/store/….drv` (one output of a derivation). It is what `derivation` turns into
//! `inputSrcs` and `inputDrvs`.

use std::collections::BTreeSet;
use std::fmt;
use std::rc::Rc;

#[derive(Clone, Default, PartialEq, Eq)]
pub struct Context(Option<Rc<BTreeSet<Box<str>>>>);

impl Context {
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|s| s.is_empty())
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().flat_map(|s| s.iter().map(|e| &**e))
    }

    pub fn insert(&mut self, element: &str) {
        let set = self.0.get_or_insert_with(Default::default);
        if !set.contains(element) {
            Rc::make_mut(set).insert(element.into());
        }
    }

    pub fn extend(&mut self, other: &Context) {
        if other.is_empty() {
            return;
        }
        if self.is_empty() {
            self.0 = other.0.clone();
            return;
        }
        for e in other.iter() {
            self.insert(e);
        }
    }

    pub fn from_elements<'a>(elements: impl IntoIterator<Item = &'a str>) -> Context {
        let set: BTreeSet<Box<str>> = elements.into_iter().map(Into::into).collect();
        if set.is_empty() {
            Context(None)
        } else {
            Context(Some(Rc::new(set)))
        }
    }
}

#[derive(Clone)]
pub struct NixString(Rc<Inner>);

struct Inner {
    bytes: Box<[u8]>,
    context: Context,
}

impl NixString {
    pub fn new(bytes: impl Into<Box<[u8]>>, context: Context) -> NixString {
        NixString(Rc::new(Inner {
            bytes: bytes.into(),
            context,
        }))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0.bytes
    }

    /// The text, with invalid UTF-8 replaced; for messages and for places where Nix itself
    /// needs text (paths, attribute names).
    pub fn to_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.0.bytes)
    }

    pub fn context(&self) -> &Context {
        &self.0.context
    }

    pub fn has_context(&self) -> bool {
        !self.0.context.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.bytes.is_empty()
    }

    pub fn without_context(&self) -> NixString {
        if self.has_context() {
            NixString::new(self.as_bytes(), Context::default())
        } else {
            self.clone()
        }
    }
}

impl From<&str> for NixString {
    fn from(s: &str) -> NixString {
        NixString::new(s.as_bytes(), Context::default())
    }
}

impl From<String> for NixString {
    fn from(s: String) -> NixString {
        NixString::new(s.into_bytes(), Context::default())
    }
}

impl From<&[u8]> for NixString {
    fn from(s: &[u8]) -> NixString {
        NixString::new(s, Context::default())
    }
}

impl From<Vec<u8>> for NixString {
    fn from(s: Vec<u8>) -> NixString {
        NixString::new(s, Context::default())
    }
}

impl PartialEq for NixString {
    fn eq(&self, other: &NixString) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl fmt::Debug for NixString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_str_lossy())
    }
}

/// Newer Nix's rule that strings hold no NUL byte (see [`crate::error::ErrorKind::NulInString`]):
/// `None` for bytes without one, else the string as Nix shows it in the error, each NUL as `␀`.
pub fn nul_shown(bytes: &[u8]) -> Option<String> {
    if !bytes.contains(&0) {
        return None;
    }
    let text = String::from_utf8_lossy(bytes);
    Some(text.replace('\0', "\u{2400}"))
}

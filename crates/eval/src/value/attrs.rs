//! Attribute sets: entries kept sorted by name.
//!
//! Sorting by name (bytes) makes `attrNames`, `attrValues`, printing and JSON ordering free and
//! lets `//` merge in one linear pass. Lookups scan small sets by symbol identity and binary
//! search larger ones.

use crate::source::Span;
use crate::symbol::Symbol;
use crate::value::Value;

#[derive(Clone)]
pub struct AttrEntry {
    pub name: Symbol,
    pub value: Value,
    /// Where the attribute was defined, for `unsafeGetAttrPos` and messages.
    pub pos: Option<Span>,
}

#[derive(Clone, Default)]
pub struct Attrs {
    entries: Vec<AttrEntry>,
    /// Where the set was written, for sets built from a literal (Nix reports some missing
    /// attributes there).
    pos: Option<Span>,
}

const LINEAR_SCAN_MAX: usize = 8;

/// Where `name` is in `entries` (sorted by name), or where it would be inserted.
#[inline]
pub(super) fn position(entries: &[AttrEntry], name: Symbol) -> Result<usize, usize> {
    if entries.len() <= LINEAR_SCAN_MAX {
        for (i, e) in entries.iter().enumerate() {
            if e.name == name {
                return Ok(i);
            }
        }
    }
    entries.binary_search_by(|e| e.name.cmp(&name))
}

impl Attrs {
    pub fn new() -> Attrs {
        Attrs::default()
    }

    pub fn with_capacity(n: usize) -> Attrs {
        Attrs {
            entries: Vec::with_capacity(n),
            pos: None,
        }
    }

    /// Builds a set from entries already sorted by name without duplicates.
    pub fn from_sorted(entries: Vec<AttrEntry>) -> Attrs {
        debug_assert!(entries.windows(2).all(|w| w[0].name < w[1].name));
        Attrs { entries, pos: None }
    }

    /// Builds a set from unsorted entries; on duplicate names the first one wins.
    pub fn from_unsorted(mut entries: Vec<AttrEntry>) -> Attrs {
        entries.sort_by_key(|e| e.name);
        entries.dedup_by(|later, earlier| later.name == earlier.name);
        Attrs { entries, pos: None }
    }

    pub fn with_pos(mut self, pos: Span) -> Attrs {
        self.pos = Some(pos);
        self
    }

    pub fn pos(&self) -> Option<Span> {
        self.pos
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> &[AttrEntry] {
        &self.entries
    }

    pub fn into_entries(self) -> Vec<AttrEntry> {
        self.entries
    }

    fn position(&self, name: Symbol) -> Result<usize, usize> {
        position(&self.entries, name)
    }

    pub fn get(&self, name: Symbol) -> Option<&Value> {
        self.get_entry(name).map(|e| &e.value)
    }

    pub fn get_entry(&self, name: Symbol) -> Option<&AttrEntry> {
        self.position(name).ok().map(|i| &self.entries[i])
    }

    pub fn get_str(&self, name: &str) -> Option<&Value> {
        self.get(Symbol::new(name))
    }

    pub fn contains(&self, name: Symbol) -> bool {
        self.position(name).is_ok()
    }

    /// Inserts or replaces; returns false when the name was already present (and replaced).
    pub fn insert(&mut self, name: Symbol, value: Value, pos: Option<Span>) -> bool {
        match self.position(name) {
            Ok(i) => {
                self.entries[i] = AttrEntry { name, value, pos };
                false
            }
            Err(i) => {
                self.entries.insert(i, AttrEntry { name, value, pos });
                true
            }
        }
    }

    /// Appends an entry known to sort after every present one (bulk building in order).
    pub fn push_sorted(&mut self, name: Symbol, value: Value, pos: Option<Span>) {
        debug_assert!(self.entries.last().is_none_or(|e| e.name < name));
        self.entries.push(AttrEntry { name, value, pos });
    }

    pub fn remove(&mut self, name: Symbol) {
        if let Ok(i) = self.position(name) {
            self.entries.remove(i);
        }
    }

    pub fn names(&self) -> impl Iterator<Item = Symbol> + '_ {
        self.entries.iter().map(|e| e.name)
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> + '_ {
        self.entries.iter().map(|e| &e.value)
    }
}

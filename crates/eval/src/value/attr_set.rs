//! A built attribute set: what a `Value::Attrs` points to.
//!
//! Sets are built in an [`Attrs`] (a growable, sorted vector) and then frozen into one
//! allocation holding a small header and the entries, exactly as many as there are. Against
//! the `Rc<Attrs>` this replaces, a set costs one allocation instead of two, no spare vector
//! capacity stays alive with it (`//` used to reserve room for both operands), and a lookup
//! follows one pointer instead of two: the module system does little else than build sets and
//! look names up in them. `//` writes its result straight into a block of the right size.
//!
//! The pointer is thin (8 bytes, as `Value` needs) and counted like `Rc`: sets are immutable
//! once built, so sharing needs no interior mutability beyond the count.

use std::alloc::{self, Layout};
use std::cell::Cell;
use std::cmp::Ordering;
use std::ptr::{self, NonNull};

use super::attrs::{position, AttrEntry, Attrs};
use crate::source::Span;
use crate::symbol::Symbol;
use crate::value::Value;

/// A shared, immutable attribute set.
pub struct AttrSet(NonNull<Header>);

/// The start of a set's block; `len` entries follow it (at [`entries_offset`]).
#[repr(C)]
struct Header {
    refs: Cell<usize>,
    len: usize,
    /// Where the set was written, for sets built from a literal.
    pos: Option<Span>,
}

/// Where the entries start in a block: right after the header (a constant, so that finding
/// the entries costs no arithmetic on the lookup path).
const ENTRIES_OFFSET: usize =
    std::mem::size_of::<Header>().next_multiple_of(std::mem::align_of::<AttrEntry>());

/// The layout of a block of `len` entries, and where the entries start in it.
fn layout(len: usize) -> (Layout, usize) {
    let entries = Layout::array::<AttrEntry>(len).unwrap_or_else(|_| capacity_overflow());
    let (layout, offset) = Layout::new::<Header>()
        .extend(entries)
        .unwrap_or_else(|_| capacity_overflow());
    debug_assert_eq!(offset, ENTRIES_OFFSET);
    (layout.pad_to_align(), offset)
}

/// The first entry of the block at `header`.
#[inline]
fn first_entry(header: NonNull<Header>) -> *mut AttrEntry {
    // SAFETY (of the arithmetic): every block is at least `ENTRIES_OFFSET` bytes long.
    unsafe {
        header
            .as_ptr()
            .cast::<u8>()
            .add(ENTRIES_OFFSET)
            .cast::<AttrEntry>()
    }
}

#[cold]
fn capacity_overflow() -> ! {
    // As `Vec` does: a set this large cannot be described to the allocator.
    panic!("attribute set too large")
}

impl AttrSet {
    /// Allocates a block for `len` entries, which `fill` must write, in order, each exactly
    /// once, through the pointer it is given (the first entry's address).
    fn build(len: usize, pos: Option<Span>, fill: impl FnOnce(*mut AttrEntry)) -> AttrSet {
        let (layout, offset) = layout(len);
        // SAFETY: the layout has a non-zero size (the header).
        let block = unsafe { alloc::alloc(layout) };
        let Some(header) = NonNull::new(block.cast::<Header>()) else {
            alloc::handle_alloc_error(layout)
        };
        // SAFETY: the block is fresh and large enough for the header and `len` entries. The
        // header's `len` is written last, so a set is never seen half-built.
        unsafe {
            header.as_ptr().write(Header {
                refs: Cell::new(1),
                len: 0,
                pos,
            });
            fill(block.add(offset).cast::<AttrEntry>());
            (*header.as_ptr()).len = len;
        }
        AttrSet(header)
    }

    #[inline]
    /// A set of the entries `entries` yields, already sorted by name without duplicates and
    /// exactly `len` of them, written straight into the set's block (no vector in between).
    pub fn from_sorted_exact(
        len: usize,
        pos: Option<Span>,
        entries: impl Iterator<Item = AttrEntry>,
    ) -> AttrSet {
        AttrSet::build(len, pos, |out| {
            let mut n = 0;
            for e in entries.take(len) {
                // SAFETY: `take` keeps `n` below `len`, the block's room.
                unsafe { out.add(n).write(e) };
                n += 1;
            }
            // Fewer entries would leave the block's tail uninitialised: stop (the block then
            // leaks, but nothing reads it).
            assert_eq!(n, len, "from_sorted_exact: fewer entries than announced");
            debug_assert!(unsafe { std::slice::from_raw_parts(out, len) }
                .windows(2)
                .all(|w| w[0].name < w[1].name));
        })
    }

    fn header(&self) -> &Header {
        // SAFETY: the header lives as long as any reference to the block.
        unsafe { self.0.as_ref() }
    }

    #[inline]
    pub fn entries(&self) -> &[AttrEntry] {
        // SAFETY: `len` initialised entries follow the header.
        unsafe { std::slice::from_raw_parts(first_entry(self.0), self.header().len) }
    }

    pub fn pos(&self) -> Option<Span> {
        self.header().pos
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.header().len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The block's address: the set's identity (printing's «repeated», equality's shortcut).
    pub fn as_ptr(&self) -> *const () {
        self.0.as_ptr() as *const ()
    }

    pub fn ptr_eq(a: &AttrSet, b: &AttrSet) -> bool {
        a.0 == b.0
    }

    #[inline]
    pub fn get(&self, name: Symbol) -> Option<&Value> {
        self.get_entry(name).map(|e| &e.value)
    }

    #[inline]
    pub fn get_entry(&self, name: Symbol) -> Option<&AttrEntry> {
        let entries = self.entries();
        position(entries, name).ok().map(|i| &entries[i])
    }

    pub fn get_str(&self, name: &str) -> Option<&Value> {
        self.get(Symbol::new(name))
    }

    #[inline]
    pub fn contains(&self, name: Symbol) -> bool {
        position(self.entries(), name).is_ok()
    }

    pub fn names(&self) -> impl Iterator<Item = Symbol> + '_ {
        self.entries().iter().map(|e| e.name)
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> + '_ {
        self.entries().iter().map(|e| &e.value)
    }

    /// A growable copy, to build a changed set from.
    pub fn to_attrs(&self) -> Attrs {
        let attrs = Attrs::from_sorted(self.entries().to_vec());
        match self.pos() {
            Some(pos) => attrs.with_pos(pos),
            None => attrs,
        }
    }

    /// `self // other`: a linear merge of two sorted sets, `other` winning, written into a
    /// block of exactly the merged size (counted first: comparing symbols is cheap).
    pub fn update(&self, other: &AttrSet) -> AttrSet {
        let (a, b) = (self.entries(), other.entries());
        let len = merged_len(a, b);
        AttrSet::build(len, None, |out| {
            let mut n = 0;
            let mut push = |e: &AttrEntry| {
                debug_assert!(n < len);
                // SAFETY: `merged_len` counted exactly the entries pushed here.
                unsafe { out.add(n).write(e.clone()) };
                n += 1;
            };
            let (mut i, mut j) = (0, 0);
            while i < a.len() && j < b.len() {
                match a[i].name.cmp(&b[j].name) {
                    Ordering::Less => {
                        push(&a[i]);
                        i += 1;
                    }
                    Ordering::Greater => {
                        push(&b[j]);
                        j += 1;
                    }
                    Ordering::Equal => {
                        push(&b[j]);
                        i += 1;
                        j += 1;
                    }
                }
            }
            a[i..].iter().for_each(&mut push);
            b[j..].iter().for_each(&mut push);
            debug_assert_eq!(n, len);
        })
    }
}

/// How many entries `a // b` has.
fn merged_len(a: &[AttrEntry], b: &[AttrEntry]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].name.cmp(&b[j].name) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    a.len() + b.len() - shared
}

impl From<Attrs> for AttrSet {
    fn from(attrs: Attrs) -> AttrSet {
        let pos = attrs.pos();
        let mut entries = attrs.into_entries();
        let len = entries.len();
        AttrSet::build(len, pos, |out| {
            // SAFETY: the entries move into the block; the vector forgets them (its length is
            // set to zero before it is dropped, so only its buffer is freed).
            unsafe {
                ptr::copy_nonoverlapping(entries.as_ptr(), out, len);
                entries.set_len(0);
            }
        })
    }
}

impl Default for AttrSet {
    fn default() -> AttrSet {
        AttrSet::from(Attrs::new())
    }
}

impl Clone for AttrSet {
    #[inline]
    fn clone(&self) -> AttrSet {
        let refs = &self.header().refs;
        // As `Rc` does: a count that would overflow means memory is corrupt; stop at once.
        let n = refs
            .get()
            .checked_add(1)
            .unwrap_or_else(|| std::process::abort());
        refs.set(n);
        AttrSet(self.0)
    }
}

impl Drop for AttrSet {
    #[inline]
    fn drop(&mut self) {
        let refs = &self.header().refs;
        let n = refs.get() - 1;
        refs.set(n);
        if n == 0 {
            self.free();
        }
    }
}

impl AttrSet {
    /// Drops the entries and frees the block once its last reference is gone; out of line,
    /// as for thunks, so that dropping a value stays a decrement and a test.
    #[inline(never)]
    fn free(&mut self) {
        let len = self.header().len;
        let (layout, _) = layout(len);
        // SAFETY: this was the last reference: the entries are dropped once, then the block
        // made by `build` with this same layout is freed.
        unsafe {
            ptr::drop_in_place(ptr::slice_from_raw_parts_mut(first_entry(self.0), len));
            alloc::dealloc(self.0.as_ptr().cast::<u8>(), layout);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str], base: i64) -> AttrSet {
        let mut a = Attrs::new();
        for (i, n) in names.iter().enumerate() {
            a.insert(Symbol::new(n), Value::Int(base + i as i64), None);
        }
        AttrSet::from(a)
    }

    fn ints(s: &AttrSet) -> Vec<(String, i64)> {
        s.entries()
            .iter()
            .map(|e| {
                let Value::Int(i) = e.value else {
                    panic!("not an int")
                };
                (e.name.as_str().to_string(), i)
            })
            .collect()
    }

    #[test]
    fn a_set_is_one_thin_pointer() {
        assert_eq!(std::mem::size_of::<AttrSet>(), 8);
        assert_eq!(std::mem::size_of::<Option<AttrSet>>(), 8);
    }

    #[test]
    fn update_merges_with_the_right_operand_winning() {
        let a = set(&["a", "b", "d"], 0);
        let b = set(&["b", "c", "e"], 10);
        let u = a.update(&b);
        assert_eq!(u.len(), 5);
        let mut want = vec![
            ("a".to_string(), 0),
            ("b".to_string(), 10),
            ("c".to_string(), 11),
            ("d".to_string(), 2),
            ("e".to_string(), 12),
        ];
        // Sorted by symbol, as the set keeps them.
        want.sort_by_key(|(n, _)| Symbol::new(n));
        assert_eq!(ints(&u), want);
        assert_eq!(
            u.get(Symbol::new("b")).map(|v| matches!(v, Value::Int(10))),
            Some(true)
        );
        assert!(!u.contains(Symbol::new("z")));
    }

    #[test]
    fn clones_share_and_the_last_drop_frees() {
        let shared = Value::list(vec![Value::Int(1)]);
        let mut a = Attrs::new();
        a.insert(Symbol::new("x"), shared.clone(), None);
        let s = AttrSet::from(a);
        let t = s.clone();
        assert!(AttrSet::ptr_eq(&s, &t));
        let Value::List(l) = &shared else {
            unreachable!()
        };
        assert_eq!(std::rc::Rc::strong_count(l), 2);
        drop(s);
        assert_eq!(std::rc::Rc::strong_count(l), 2);
        drop(t);
        assert_eq!(std::rc::Rc::strong_count(l), 1);
    }

    #[test]
    fn empty_sets_and_positions_survive_freezing() {
        let e = AttrSet::default();
        assert!(e.is_empty() && e.entries().is_empty() && e.pos().is_none());
        let copy = set(&["k"], 7).to_attrs();
        assert_eq!(copy.len(), 1);
    }
}

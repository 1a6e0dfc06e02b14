//! Where lowered code lives: one arena per compiled file, owned by the machine's code cache
//! and freed with it.
//!
//! The evaluator's heap objects (thunks, closures) point at code with plain `&'static`
//! references ([`ExprRef`]): cheap to copy and to follow. They are not truly static: they
//! point into a [`Code`] arena, which the machine keeps until it is dropped, and nothing of a
//! machine is used after it (the contract of `ExprRef`). Arena memory is never freed node by
//! node, so constants — the only IR that owns heap data (`Value`s) — are registered and
//! dropped when the arena is.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::ptr::NonNull;

use bumpalo::Bump;

use crate::ir::{Expr, ExprRef};
use crate::symbol::Symbol;

/// The code of one compiled file.
#[derive(Default)]
pub struct Code {
    bump: Bump,
    /// Nodes holding a `Value`, dropped with the arena.
    owners: RefCell<Vec<NonNull<Expr>>>,
}

impl Code {
    pub fn new() -> Code {
        Code::default()
    }

    /// An arena with room for `bytes` of code.
    pub fn with_capacity(bytes: usize) -> Code {
        Code {
            bump: Bump::with_capacity(bytes),
            owners: RefCell::default(),
        }
    }

    /// Moves `value` into the arena. Only for data without a destructor: the arena never
    /// runs one (`expr` is for nodes that own values).
    pub fn alloc<T>(&self, value: T) -> &'static T {
        debug_assert!(!std::mem::needs_drop::<T>());
        let r: &T = self.bump.alloc(value);
        // SAFETY: the arena's chunks never move and live until the `Code` is dropped, which
        // happens only with the machine that runs this code (see the module comment).
        unsafe { &*(r as *const T) }
    }

    /// Moves the items of `items` into the arena, as a slice.
    pub fn slice<T>(&self, items: Vec<T>) -> &'static [T] {
        debug_assert!(!std::mem::needs_drop::<T>());
        let r: &[T] = self.bump.alloc_slice_fill_iter(items);
        // SAFETY: as in `alloc`.
        unsafe { &*(r as *const [T]) }
    }

    /// Moves the items an iterator yields into the arena, as a slice.
    pub fn slice_iter<T, I>(&self, items: I) -> &'static [T]
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: ExactSizeIterator,
    {
        debug_assert!(!std::mem::needs_drop::<T>());
        let r: &[T] = self.bump.alloc_slice_fill_iter(items);
        // SAFETY: as in `alloc`.
        unsafe { &*(r as *const [T]) }
    }

    pub fn path(&self, p: &std::path::Path) -> &'static std::path::Path {
        use std::os::unix::ffi::OsStrExt;
        let bytes: &[u8] = self.bump.alloc_slice_copy(p.as_os_str().as_bytes());
        // SAFETY: as in `alloc`.
        let bytes = unsafe { &*(bytes as *const [u8]) };
        std::path::Path::new(std::ffi::OsStr::from_bytes(bytes))
    }

    /// Moves an expression node into the arena; one owning a value is dropped with it.
    pub fn expr(&self, e: Expr) -> ExprRef {
        let owns_value = matches!(e, Expr::Const(_) | Expr::Resolved(_));
        let r: &mut Expr = self.bump.alloc(e);
        if owns_value {
            self.owners.borrow_mut().push(NonNull::from(&mut *r));
        }
        // SAFETY: as in `alloc`.
        unsafe { &*(r as *const Expr) }
    }
}

impl Drop for Code {
    fn drop(&mut self) {
        for e in self.owners.get_mut().drain(..) {
            // SAFETY: each pointer is to a distinct, initialised node of this arena, dropped
            // once here; the arena's memory is still allocated (it is freed after this).
            unsafe { std::ptr::drop_in_place(e.as_ptr()) };
        }
    }
}

/// The machine's compiled code: every file's arena, and the lowered files `scopedImport` can
/// reuse.
#[derive(Default)]
pub struct CodeCache {
    files: Vec<Code>,
    /// `scopedImport` of a file with a scope of these names, in slot order.
    scoped: HashMap<(PathBuf, Vec<Symbol>), ExprRef>,
}

impl CodeCache {
    /// Keeps the arena of a newly compiled file for the machine's lifetime.
    pub fn keep(&mut self, code: Code) {
        self.files.push(code);
    }

    pub fn scoped(&self, path: &std::path::Path, names: &[Symbol]) -> Option<ExprRef> {
        self.scoped
            .get(&(path.to_path_buf(), names.to_vec()))
            .copied()
    }

    pub fn remember_scoped(&mut self, path: PathBuf, names: Vec<Symbol>, expr: ExprRef) {
        self.scoped.insert((path, names), expr);
    }
}

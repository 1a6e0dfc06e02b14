//! The global allocator: mimalloc, called the way its plain `malloc` fast path wants.
//!
//! Evaluation allocates and frees small objects all the time (thunks, frames, closures). The
//! `mimalloc` crate's allocator passes every request through `mi_malloc_aligned`, whose
//! generic path costs several times the plain one (callgrind: a fifth of all instructions of a
//! list fold). Requests whose alignment mimalloc's plain functions already guarantee — at most
//! 16 bytes, and no larger than the size, as for C's `malloc` — go to `mi_malloc` and friends.
//!
//! [`configure`] sets mimalloc's options for a process that allocates hundreds of megabytes and
//! then exits; see `docs/performance.md` ("The allocator") for what was measured.
//!
//! **Memory exhaustion ends the process as Nix ends it**: "error: out of memory" and exit
//! status 1 (Nix catches `std::bad_alloc` at the top). Rust's default reaction to a failed
//! allocation is an abort (status 134, a core dump), and the hook that would change it
//! (`std::alloc::set_alloc_error_hook`) is unstable, so the allocator itself reports a null
//! block: no caller of ours recovers from one (nothing uses `try_reserve`). The stack
//! growth of the evaluator (`stacker`) panics when it cannot map a new segment; the panic
//! hook in `main.rs` turns that into the same report ([`is_out_of_memory_panic`]).

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

pub struct MiMalloc;

// mimalloc's option functions, which `libmimalloc-sys` only binds (with v2's numbering) behind
// its `extended` feature. The numbers are `mi_option_e` of the v3 sources the crate builds
// (`c_src/mimalloc/v3/include/mimalloc.h`); `crates/cli/tests/cli.rs` checks the one we set.
extern "C" {
    fn mi_option_set_default(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay`.
const OPTION_PURGE_DELAY: std::ffi::c_int = 15;
/// `mi_option_destroy_on_exit`.
const OPTION_DESTROY_ON_EXIT: std::ffi::c_int = 22;

/// Sets mimalloc's options for ntop; called first thing in `main`. Each is a default: the
/// `MIMALLOC_*` environment variable of the same option still wins (for debugging).
/// `long_running` is a process that stays up between evaluations (the language server),
/// which should give freed memory back to the system.
pub fn configure(long_running: bool) {
    if !long_running {
        // mimalloc hands freed pages back to the kernel ("purges" them) a second after they
        // empty, and the next allocation faults them in again as fresh, zeroed transparent huge
        // pages. An evaluation frees and refills memory all the time (a 1,000,000-attribute
        // literal: 922 purges, 11,000 huge-page faults, 1.6 s of kernel time zeroing pages, for
        // a 620 MB peak; docs/performance.md), so a process that exits when it is done keeps
        // what it freed for its own reuse instead. Peak memory is the same.
        // SAFETY: as below.
        unsafe { mi_option_set_default(OPTION_PURGE_DELAY, -1) };
    }
    // At exit mimalloc walks every page of the exiting thread's heap to free what is still
    // allocated — a tenth of a short evaluation's time, for memory the kernel reclaims anyway.
    // A value above 1 makes its exit hook return at once (`_mi_auto_process_done`).
    // SAFETY: setting an option is a plain store into mimalloc's option table; the number is
    // a valid option (see above).
    unsafe { mi_option_set_default(OPTION_DESTROY_ON_EXIT, 2) };
}

/// What `mi_malloc` guarantees on 64-bit targets (MI_MAX_ALIGN_SIZE).
const PLAIN_ALIGN: usize = 16;

fn plain(layout: &Layout) -> bool {
    layout.align() <= PLAIN_ALIGN && layout.align() <= layout.size()
}

/// Reports exhausted memory and exits with status 1, as Nix does. Allocates nothing and
/// runs no destructors or exit handlers (they might allocate).
#[cold]
#[inline(never)]
pub fn out_of_memory() -> ! {
    const MESSAGE: &[u8] = b"error: out of memory\n";
    // SAFETY: write(2) of a static buffer and _exit have no memory-safety preconditions.
    unsafe {
        libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
        libc::_exit(1)
    }
}

/// Whether a panic message is one of those that mean memory ran out rather than a bug:
/// `stacker` failing to map a new stack segment, or a thread that could not be created.
pub fn is_out_of_memory_panic(message: &str) -> bool {
    [
        "mmap failed to allocate stack",
        "mprotect/mmap failed",
        "failed to spawn thread",
        "Cannot allocate memory",
    ]
    .iter()
    .any(|m| message.contains(m))
}

/// `block`, or the out-of-memory exit if it is null.
#[inline(always)]
fn checked(block: *mut u8) -> *mut u8 {
    if block.is_null() {
        out_of_memory();
    }
    block
}

// SAFETY: every function forwards to the matching mimalloc function with the size and (where
// the plain function would not guarantee it) the alignment of the layout; memory is always
// released with `mi_free`, which accepts blocks from either family. A null block never
// reaches the caller: the process exits instead (Rust layouts of size 0 never get here).
unsafe impl GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        checked(if plain(&layout) {
            mi::mi_malloc(layout.size()) as *mut u8
        } else {
            mi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
        })
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        checked(if plain(&layout) {
            mi::mi_zalloc(layout.size()) as *mut u8
        } else {
            mi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
        })
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        mi::mi_free(ptr as *mut c_void);
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        checked(
            if layout.align() <= PLAIN_ALIGN && layout.align() <= new_size {
                mi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
            } else {
                mi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
            },
        )
    }
}

//! Interruption: a signal to `ntop` (SIGINT, SIGTERM, SIGHUP) ends every running builder.
//!
//! Every builder is started in a process group of its own (for a sandboxed build, the
//! group of the process that waits for the sandbox's PID 1, whose death kills the whole PID
//! namespace through `PR_SET_PDEATHSIG`). Each group is registered here while it runs;
//! [`interrupt`] marks the session interrupted and kills every registered group with
//! SIGKILL. The scheduler then starts nothing new, removes the killed builds' directories
//! and partial outputs as for any failure, and [`build`](crate::build) returns
//! [`BuildError::Interrupted`](crate::BuildError::Interrupted). The CLI turns a signal into a
//! call of [`interrupt`] from an ordinary thread, so the registry may take a lock.
//!
//! If `ntop` itself dies without a chance to clean up (SIGKILL), the kernel kills the
//! builders through `PR_SET_PDEATHSIG`, and what they left behind is removed by
//! [`crate::clean_stale`] at the next build or garbage collection.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static NEXT: AtomicU64 = AtomicU64::new(0);
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
static GROUPS: Mutex<BTreeMap<u64, libc::pid_t>> = Mutex::new(BTreeMap::new());

/// Marks the process interrupted and kills every running builder's process group.
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    let groups = GROUPS.lock().unwrap_or_else(|e| e.into_inner());
    for &pgid in groups.values() {
        kill_group(pgid);
    }
}

/// Whether [`interrupt`] was called.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Whether a [`build`](crate::build) is under way (an interruption then waits for it to
/// clean up rather than ending the process at once).
pub fn building() -> bool {
    ACTIVE.load(Ordering::SeqCst) > 0
}

/// Held while [`build`](crate::build) runs.
pub(crate) struct Active(());

impl Active {
    pub(crate) fn new() -> Active {
        ACTIVE.fetch_add(1, Ordering::SeqCst);
        Active(())
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A running builder's process group, registered until dropped.
pub(crate) struct Group(u64);

impl Group {
    /// Registers the group led by `pgid`; kills it at once if the session is already
    /// interrupted (the signal came between the fork and this registration).
    pub(crate) fn register(pgid: libc::pid_t) -> Group {
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        GROUPS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, pgid);
        if interrupted() {
            kill_group(pgid);
        }
        Group(id)
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        GROUPS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.0);
    }
}

fn kill_group(pgid: libc::pid_t) {
    if pgid > 0 {
        // SAFETY: kill has no memory-safety preconditions.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
}

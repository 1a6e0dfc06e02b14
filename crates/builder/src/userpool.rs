//! Build users for builds that root runs: a range of ids per build, allocated from a pool, as
//! newer Nix's `auto-allocate-uids` does (Nix manual, settings `auto-allocate-uids`,
//! `start-id`, `id-count`).
//!
//! The pool is `id-count` ids from `start-id` (defaults 872415232 and 8388608, Nix's), cut into
//! slots of [`SLOT_SIZE`] ids. A build takes the first slot whose lock file
//! (`/run/ntop/userpool/<first id>`, root-owned) it can `flock` exclusively and holds it until
//! it is done, so that two builds — of this process or of any other ntop — never share ids.
//! Waiting for a slot polls: a slot is held only as long as a build runs.
//!
//! In the sandbox the slot is the build's user namespace: ids 0…65535 inside are
//! `first…first+65535` on the host, and the builder runs as uid 1000 / gid 100 inside
//! ([`INSIDE_UID`], [`INSIDE_GID`], Nix's `sandboxUid`/`sandboxGid`), that is `first+1000` /
//! `first+100` on the host. Without the sandbox the builder runs as those host ids directly.

use std::fs;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{BuildError, Result};

/// Ids per build (a user namespace's worth: every id a builder might use inside).
pub const SLOT_SIZE: u32 = 65536;
/// The builder's uid and gid inside its user namespace, as in Nix's sandbox.
pub const INSIDE_UID: u32 = 1000;
pub const INSIDE_GID: u32 = 100;
/// Where the slots' lock files are: root's, shared by every ntop on the machine.
pub const LOCK_DIR: &str = "/run/ntop/userpool";

/// The range ids are allocated from (`start-id`, `id-count`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserPool {
    pub start_id: u32,
    pub id_count: u32,
}

impl Default for UserPool {
    fn default() -> Self {
        UserPool {
            start_id: 872_415_232,
            id_count: 8_388_608,
        }
    }
}

/// One allocated slot, held (its lock file locked) until dropped.
#[derive(Debug)]
pub struct Slot {
    /// The first host id of the slot.
    pub first: u32,
    _lock: fs::File,
}

impl Slot {
    /// The builder's uid on the host.
    pub fn host_uid(&self) -> u32 {
        self.first + INSIDE_UID
    }
    /// The builder's gid on the host.
    pub fn host_gid(&self) -> u32 {
        self.first + INSIDE_GID
    }
}

/// Takes a free slot of `pool`, waiting for one if all are in use.
pub fn allocate(pool: &UserPool) -> Result<Slot> {
    allocate_in(Path::new(LOCK_DIR), pool)
}

fn allocate_in(dir: &Path, pool: &UserPool) -> Result<Slot> {
    let slots = pool.id_count / SLOT_SIZE;
    let fits =
        u64::from(pool.start_id) + u64::from(slots) * u64::from(SLOT_SIZE) <= u64::from(u32::MAX);
    if slots == 0 || !fits {
        return Err(BuildError::io(
            "allocating build users",
            dir,
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "'start-id' {} and 'id-count' {} leave no room for one build's {SLOT_SIZE} ids",
                    pool.start_id, pool.id_count
                ),
            ),
        ));
    }
    fs::DirBuilder::new()
        .mode(0o755)
        .recursive(true)
        .create(dir)
        .map_err(|e| BuildError::io("creating", dir, e))?;
    loop {
        for n in 0..slots {
            let first = pool.start_id + n * SLOT_SIZE;
            let path: PathBuf = dir.join(first.to_string());
            let file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(&path)
                .map_err(|e| BuildError::io("opening", &path, e))?;
            // SAFETY: flock on a descriptor we own has no memory-safety preconditions.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
                return Ok(Slot { first, _lock: file });
            }
            let err = io::Error::last_os_error();
            if err.raw_os_error() != Some(libc::EWOULDBLOCK) {
                return Err(BuildError::io("locking", &path, err));
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Turns the calling process into the builder's user: supplementary groups replaced by
/// `group` (or none), then gid and uid (real, effective, saved), then every capability
/// cleared and `no_new_privs` set, so that nothing the builder executes regains privileges.
/// For a forked child before `exec`: raw system calls only (glibc's `setuid` family
/// signals every thread of the process).
///
/// # Safety
/// Only in a freshly forked child.
pub(crate) unsafe fn become_builder(uid: u32, gid: u32, group: Option<u32>) -> io::Result<()> {
    use crate::sandbox::check;
    let groups = [group.unwrap_or(gid)];
    let count = usize::from(group.is_some());
    check(
        libc::syscall(libc::SYS_setgroups, count, groups.as_ptr()),
        b"drop supplementary groups",
    )?;
    check(
        libc::syscall(libc::SYS_setresgid, gid, gid, gid),
        b"set the build user's group",
    )?;
    check(
        libc::syscall(libc::SYS_setresuid, uid, uid, uid),
        b"set the build user",
    )?;
    // Version 3 of the capability interface: two 32-bit words per set, all zero.
    #[repr(C)]
    struct Header {
        version: u32,
        pid: libc::c_int,
    }
    #[repr(C)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    let header = Header {
        version: 0x2008_0522,
        pid: 0,
    };
    let data = [
        Data {
            effective: 0,
            permitted: 0,
            inheritable: 0,
        },
        Data {
            effective: 0,
            permitted: 0,
            inheritable: 0,
        },
    ];
    check(
        libc::syscall(libc::SYS_capset, &raw const header, data.as_ptr()),
        b"drop capabilities",
    )?;
    check(
        libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0),
        b"set no_new_privs",
    )?;
    Ok(())
}

/// Kills every process running as `uid` (what a build without the sandbox left running,
/// detached from its process group), as Nix's `killUser` does: a forked child takes the
/// uid and signals everything it may signal until nothing is left — zombies not yet reaped
/// included (for up to two seconds), since they still count against the next build's
/// `build-max-processes` in the slot.
pub fn kill_user(uid: u32) {
    // SAFETY: the child makes only async-signal-safe system calls and exits.
    unsafe {
        let pid = libc::fork();
        if pid == 0 {
            if libc::syscall(libc::SYS_setresuid, uid, uid, uid) != 0 {
                libc::_exit(1);
            }
            let pause = libc::timespec {
                tv_sec: 0,
                tv_nsec: 1_000_000,
            };
            for _ in 0..2000 {
                if libc::kill(-1, libc::SIGKILL) != 0 {
                    break;
                }
                libc::nanosleep(&pause, std::ptr::null_mut());
            }
            libc::_exit(0);
        }
        if pid > 0 {
            libc::waitpid(pid, std::ptr::null_mut(), 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_allocations_get_different_slots_and_a_freed_slot_is_reused() {
        let dir = std::env::temp_dir().join(format!("ntop-userpool-{}", std::process::id()));
        let pool = UserPool {
            start_id: 100_000,
            id_count: 3 * SLOT_SIZE,
        };
        let a = allocate_in(&dir, &pool).expect("first slot");
        let b = allocate_in(&dir, &pool).expect("second slot");
        assert_eq!((a.first, b.first), (100_000, 100_000 + SLOT_SIZE));
        assert_eq!(
            (b.host_uid(), b.host_gid()),
            (100_000 + SLOT_SIZE + 1000, 100_000 + SLOT_SIZE + 100)
        );
        drop(a);
        let c = allocate_in(&dir, &pool).expect("the freed slot");
        assert_eq!(c.first, 100_000);
        drop((b, c));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_pool_smaller_than_one_slot_is_an_error() {
        let dir = std::env::temp_dir().join(format!("ntop-userpool-small-{}", std::process::id()));
        let pool = UserPool {
            start_id: 100_000,
            id_count: 1000,
        };
        let err = allocate_in(&dir, &pool).expect_err("no slot fits");
        assert!(err.to_string().contains("leave no room"), "{err}");
        let _ = fs::remove_dir_all(&dir);
    }
}

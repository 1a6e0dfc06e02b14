//! Running a command with a relocated store seen at its logical directory (`ntop run`,
//! `ntop shell`), as Nix 2.8 does for its chroot stores (`nix run --store ~/my-nix`).
//!
//! A store whose objects live elsewhere (`~/.local/share/ntop/store`) holds trees whose
//! symlinks and `#!` lines name `/nix/store/…`; they only make sense where the object
//! directory is mounted there. The command gets a private mount namespace — entered through an
//! unprivileged user namespace when ntop is not root, mapping the caller to itself, so the
//! command runs with the caller's own identity and rights — in which the object directory is
//! bind-mounted read-only on the logical store directory:
//!
//! * when that directory exists on the host (`/nix/store` of an installed Nix), directly on
//!   it — the host's mount is untouched: every mount is made private first, and the namespace
//!   ends with the command;
//! * otherwise in a new root laid out beside the store (`<root>/chroots/run-…`): the host's
//!   top-level directories bind-mounted recursively, its top-level symlinks copied, the
//!   store directory mounted at its logical place; the command is `chroot`ed there and keeps
//!   its working directory.
//!
//! Everything the forked child does is prepared beforehand, so that between `fork` and `exec`
//! it only makes async-signal-safe system calls (as in [`crate::sandbox`]).

use std::ffi::CString;
use std::fs;
use std::io;
use std::os::unix::fs::symlink;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use ntop_store::remove_tree;

use crate::error::Result;
use crate::sandbox::{bind_ro, check, check_at, cstr, io_at, make_mounts_private, write_file, Op};

/// Where the store is and where it should be seen.
pub struct StoreViewPlan<'a> {
    /// The object directory on the host.
    pub objects: &'a Path,
    /// The logical store directory (`/nix/store`).
    pub store_dir: &'a str,
    /// Where a new root may be laid out when the logical directory does not exist on the host
    /// (must not exist; removed by [`StoreView::run`] when the command is done).
    pub scratch: &'a Path,
}

/// The mounts that show the store at its logical directory, ready for a child process.
pub struct StoreView {
    ops: Vec<Op>,
    /// The new root, when the logical directory does not exist on the host.
    chroot: Option<CString>,
    scratch: Option<PathBuf>,
    /// `uid_map` and `gid_map` contents, when not root.
    user_ns: Option<(Vec<u8>, Vec<u8>)>,
    /// The working directory to return to inside the new root.
    cwd: CString,
}

/// Lays out what the command's mount namespace needs.
pub fn prepare(plan: &StoreViewPlan<'_>) -> Result<StoreView> {
    let meta = fs::metadata(plan.objects).map_err(io_at("getting status of", plan.objects))?;
    if !meta.is_dir() {
        return Err(crate::BuildError::io(
            "mounting the store from",
            plan.objects,
            io::Error::from(io::ErrorKind::NotADirectory),
        ));
    }
    let logical = Path::new(plan.store_dir);
    let mut ops = Vec::new();
    let mut chroot = None;
    let mut scratch = None;
    if fs::metadata(logical).is_ok_and(|m| m.is_dir()) {
        ops.push(bind_ro(plan.objects, logical)?);
    } else {
        let root = plan.scratch;
        let inside = root.join(plan.store_dir.trim_start_matches('/'));
        fs::create_dir_all(&inside).map_err(io_at("creating", &inside))?;
        scratch = Some(root.to_path_buf());
        ops.push(bind_ro(plan.objects, &inside)?);
        let host = Path::new("/");
        for entry in fs::read_dir(host).map_err(io_at("reading directory", host))? {
            let entry = entry.map_err(io_at("reading directory", host))?;
            let src = entry.path();
            let dst = root.join(entry.file_name());
            // The store directory's own top component (`nix`) was made above: the host's
            // stays hidden.
            if fs::symlink_metadata(&dst).is_ok() {
                continue;
            }
            let Ok(meta) = fs::symlink_metadata(&src) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&src).map_err(io_at("reading link", &src))?;
                symlink(&target, &dst).map_err(io_at("creating", &dst))?;
            } else if meta.is_dir() {
                fs::create_dir(&dst).map_err(io_at("creating", &dst))?;
                ops.push(Op::Bind {
                    src: cstr(&src)?,
                    dst: cstr(&dst)?,
                    read_only: None,
                });
            }
        }
        chroot = Some(cstr(root)?);
    }
    // SAFETY: these calls cannot fail.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    let user_ns = (uid != 0).then(|| {
        (
            format!("{uid} {uid} 1").into_bytes(),
            format!("{gid} {gid} 1").into_bytes(),
        )
    });
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    Ok(StoreView {
        ops,
        chroot,
        scratch,
        user_ns,
        cwd: cstr(&cwd).unwrap_or_else(|_| c"/".to_owned()),
    })
}

impl StoreView {
    /// Runs `cmd` in the view and waits for it; returns its exit code (128 + the signal that
    /// ended it). While the command runs, ntop ignores `SIGINT` and `SIGQUIT` (the command,
    /// in the same process group, gets them from the terminal and decides), as `system()`
    /// does. The new root, if one was laid out, is removed afterwards.
    pub fn run(self, mut cmd: Command) -> io::Result<i32> {
        let view = Arc::new(self);
        let child_view = view.clone();
        // SAFETY: `enter` makes only async-signal-safe system calls on data prepared before
        // the fork, as a pre_exec hook requires.
        unsafe {
            cmd.pre_exec(move || child_view.enter());
        }
        // SAFETY: setting a signal's disposition has no memory-safety preconditions.
        let old = unsafe {
            [
                libc::signal(libc::SIGINT, libc::SIG_IGN),
                libc::signal(libc::SIGQUIT, libc::SIG_IGN),
            ]
        };
        let status = cmd.spawn().and_then(|mut child| child.wait());
        // SAFETY: as above; restores what was there.
        unsafe {
            libc::signal(libc::SIGINT, old[0]);
            libc::signal(libc::SIGQUIT, old[1]);
        }
        drop(cmd);
        if let Some(scratch) = &view.scratch {
            // The mounts lived in the command's namespace only: on the host these are empty
            // directories and symlinks (and `remove_tree` never crosses a mount point).
            let _ = remove_tree(scratch);
        }
        let status = status?;
        Ok(status
            .code()
            .or_else(|| status.signal().map(|s| 128 + s))
            .unwrap_or(1))
    }

    /// Enters the view. Runs in the child between `fork` and `exec`.
    ///
    /// # Safety
    /// Must only be called in a freshly forked child (a `pre_exec` hook).
    unsafe fn enter(&self) -> io::Result<()> {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
        libc::signal(libc::SIGQUIT, libc::SIG_DFL);
        match &self.user_ns {
            Some((uid_map, gid_map)) => {
                check(
                    libc::unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNS),
                    b"unshare user and mount namespaces",
                )?;
                write_file(c"/proc/self/setgroups", b"deny")?;
                write_file(c"/proc/self/uid_map", uid_map)?;
                write_file(c"/proc/self/gid_map", gid_map)?;
            }
            None => {
                check(libc::unshare(libc::CLONE_NEWNS), b"unshare mount namespace")?;
            }
        }
        // Nothing mounted below may propagate back to the host.
        make_mounts_private()?;
        for op in &self.ops {
            op.run()?;
        }
        if let Some(root) = &self.chroot {
            check_at(libc::chroot(root.as_ptr()), b"chroot into ", root)?;
            if libc::chdir(self.cwd.as_ptr()) < 0 {
                check_at(libc::chdir(c"/".as_ptr()), b"chdir ", c"/")?;
            }
        }
        Ok(())
    }
}

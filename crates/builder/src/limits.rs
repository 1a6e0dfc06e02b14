//! Per-build memory and process limits (`build-memory-limit`, `build-max-processes`: ntop's
//! own settings; Nix has none).
//!
//! They are resource limits of the builder's process, set between `fork` and `exec` and
//! inherited by everything it starts:
//!
//! * memory: `RLIMIT_AS`, the address space of *each* process of the build — an allocation
//!   beyond it fails (the builder sees `ENOMEM` and usually exits with an error);
//! * processes: `RLIMIT_NPROC`, which the kernel checks at `fork` against the number of
//!   processes of the builder's real uid. For root's builds that uid is the build's own
//!   (`userpool`), so the limit is the build's; for another user's builds it counts all of
//!   that user's processes.
//!
//! A builder that fails while a limit is set fails as any builder does (exit status 100), and
//! the error says which limits it ran under.

use std::io;

use crate::BuildConfig;

/// The limits of one build.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Limits {
    memory: Option<u64>,
    processes: Option<u64>,
}

impl Limits {
    pub(crate) fn of(config: &BuildConfig) -> Self {
        Limits {
            memory: config.memory_limit.filter(|&n| n > 0),
            processes: config.max_processes.filter(|&n| n > 0),
        }
    }

    /// Sets the limits of the calling process.
    ///
    /// # Safety
    /// For a forked child: only async-signal-safe system calls.
    pub(crate) unsafe fn apply(&self) -> io::Result<()> {
        for (resource, value, what) in [
            (libc::RLIMIT_AS, self.memory, &b"set the memory limit"[..]),
            (
                libc::RLIMIT_NPROC,
                self.processes,
                &b"set the process limit"[..],
            ),
        ] {
            if let Some(n) = value {
                let limit = libc::rlimit {
                    rlim_cur: n,
                    rlim_max: n,
                };
                crate::sandbox::check(libc::setrlimit(resource, &limit), what)?;
            }
        }
        Ok(())
    }

    /// The limits a build ran under, in words, for its error; none without limits.
    pub(crate) fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(n) = self.memory {
            parts.push(format!(
                "build-memory-limit = {n} (bytes of address space per process)"
            ));
        }
        if let Some(n) = self.processes {
            parts.push(format!("build-max-processes = {n}"));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

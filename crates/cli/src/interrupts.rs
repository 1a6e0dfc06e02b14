//! `ntop build` under SIGINT, SIGTERM and SIGHUP, as `nix-build` 2.8: the builders are
//! killed, their directories and partial outputs removed, and ntop exits with status 1 after
//! "error: interrupted by the user" (Nix's `Interrupted` error, a plain `BaseError`, whose
//! status is 1; checked against nix-build 2.8.0 for all three signals).
//!
//! The signals are blocked in every thread (the mask is set before any thread is started and
//! inherited; builders get a clean mask from the standard library) and received by one
//! thread with `sigwait`, which may do anything an ordinary thread does: it calls
//! [`ntop_driver::interrupt`], which kills the builders' process groups, and the build then
//! fails with `build::interrupted` through the usual error path. Outside a build (while
//! evaluating) there is nothing to clean up, and the thread ends the process at once.

use std::time::Duration;

/// How long a build may take to clean up after an interruption before the process ends
/// anyway (a worker may be waiting for another process's lock).
const GRACE: Duration = Duration::from_secs(30);

/// Blocks the signals and starts the thread that receives them. Must run before any other
/// thread is started.
pub fn install() {
    // SAFETY: the sigset functions initialise and fill `set`, a properly sized value;
    // pthread_sigmask only reads it.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, sig);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    };
    let spawned = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || loop {
            let mut sig = 0;
            // SAFETY: `set` is initialised, `sig` a valid out-parameter.
            if unsafe { libc::sigwait(&set, &mut sig) } != 0 {
                continue;
            }
            ntop_driver::interrupt();
            if ntop_driver::building() {
                std::thread::sleep(GRACE);
            }
            eprintln!("error: interrupted by the user");
            // SAFETY: _exit ends the process without running destructors that other threads
            // might race with.
            unsafe { libc::_exit(1) }
        });
    if spawned.is_err() {
        // Without the receiving thread the signals must keep their default action.
        // SAFETY: as above.
        unsafe {
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}

//! The descriptors a builder inherits: only its standard input, output and error.
//!
//! `ntop` itself may have inherited descriptors from whoever started it (`ntop build x.nix
//! 7</` hands it the host's root directory); a builder must not reach them, as Nix's builders
//! cannot. [`close_inherited`] runs in the forked child before `exec` and marks every
//! descriptor above 2 close-on-exec rather than closing it: the standard library's own
//! error-reporting pipe (already close-on-exec) must stay open until `exec` succeeds, and no
//! other descriptor survives it.

use std::io;

/// Marks every descriptor but 0–2 close-on-exec: `close_range(3, ~0, CLOSE_RANGE_CLOEXEC)`
/// (Linux 5.11), else each descriptor listed in `/proc/self/fd`, else every number below the
/// descriptor limit.
///
/// # Safety
/// Must only be called in a freshly forked child (a `pre_exec` hook): it makes raw,
/// async-signal-safe system calls and never allocates.
pub unsafe fn close_inherited() -> io::Result<()> {
    if libc::syscall(
        libc::SYS_close_range,
        3u32,
        u32::MAX,
        libc::CLOSE_RANGE_CLOEXEC,
    ) == 0
    {
        return Ok(());
    }
    if mark_listed() {
        return Ok(());
    }
    let mut limit: libc::rlimit = std::mem::zeroed();
    let max = if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
        limit.rlim_cur.min(1 << 20) as libc::c_int
    } else {
        1 << 16
    };
    for fd in 3..max {
        set_cloexec(fd);
    }
    Ok(())
}

unsafe fn set_cloexec(fd: libc::c_int) {
    let flags = libc::fcntl(fd, libc::F_GETFD);
    if flags >= 0 && flags & libc::FD_CLOEXEC == 0 {
        libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC);
    }
}

/// Walks `/proc/self/fd` with `getdents64` into a buffer on the stack; false when `/proc` is
/// not there.
unsafe fn mark_listed() -> bool {
    let dir = libc::open(
        c"/proc/self/fd".as_ptr(),
        libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
    );
    if dir < 0 {
        return false;
    }
    #[repr(C, align(8))]
    struct Buf([u8; 4096]);
    let mut buf = Buf([0; 4096]);
    loop {
        let n = libc::syscall(libc::SYS_getdents64, dir, buf.0.as_mut_ptr(), buf.0.len());
        if n <= 0 {
            break;
        }
        let mut at = 0usize;
        while at < n as usize {
            // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
            let reclen = u16::from_ne_bytes([buf.0[at + 16], buf.0[at + 17]]) as usize;
            if reclen == 0 {
                break;
            }
            let name = &buf.0[at + 19..at + reclen];
            let mut fd: libc::c_int = 0;
            let mut digits = 0;
            for &b in name.iter().take_while(|&&b| b != 0) {
                if !b.is_ascii_digit() {
                    digits = 0;
                    break;
                }
                fd = fd
                    .saturating_mul(10)
                    .saturating_add((b - b'0') as libc::c_int);
                digits += 1;
            }
            if digits > 0 && fd > 2 && fd != dir {
                set_cloexec(fd);
            }
            at += reclen;
        }
    }
    libc::close(dir);
    true
}

#[cfg(test)]
mod tests {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    use std::process::Command;

    /// The `/proc/self/fd` walk (the fallback for kernels without `CLOSE_RANGE_CLOEXEC`) marks
    /// an inherited descriptor close-on-exec: the child's shell cannot read it.
    #[test]
    fn listed_descriptors_are_marked() {
        let file = std::fs::File::open("/proc/self/status").expect("a file to inherit");
        let fd = file.as_raw_fd();
        let run = |walk: bool| {
            let mut cmd = Command::new("/bin/sh");
            cmd.arg("-c")
                .arg(format!("cat <&{fd} >/dev/null && echo open"));
            // SAFETY: dup2, fcntl and the walk are async-signal-safe.
            unsafe {
                cmd.pre_exec(move || {
                    // Inheritable, as a descriptor ntop was started with is.
                    libc::fcntl(fd, libc::F_SETFD, 0);
                    if walk && !super::mark_listed() {
                        return Err(std::io::Error::other("no /proc/self/fd"));
                    }
                    Ok(())
                });
            }
            let out = cmd.output().expect("running sh");
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        assert_eq!(
            run(false).trim(),
            "open",
            "the descriptor is inherited without the walk"
        );
        assert_eq!(run(true).trim(), "", "the walk marks it close-on-exec");
        drop(file);
    }
}

//! Linux namespaces and the file system a sandboxed builder sees.
//!
//! [`prepare`] lays out the new root on the host (`<store root>/chroots/<…>`): empty mount
//! points for every input path under the logical store directory, `/build`, `/tmp`, `/proc`,
//! a minimal `/dev`, `/etc/{passwd,group,hosts}`, and mount points (or copies of the host's
//! symlinks) for `/bin`, `/sbin`, `/usr` and `/lib*`. [`Prepared::enter`] then runs in the
//! forked child, between `fork` and `exec`:
//!
//! 1. a user namespace: when not root, mapping the caller to root; when root with a build
//!    user's slot (`userpool`), mapping the slot's 65536 ids to 0…65535 — written by a helper
//!    process left in the host namespace, since only a process with `CAP_SETUID` there may
//!    map ids other than its own;
//! 2. new mount, PID, IPC and UTS namespaces, and a network namespace unless the derivation
//!    is fixed-output;
//! 3. a second `fork`, so that the builder is PID 1 of the new PID namespace (the first child
//!    only waits for it and passes on its exit status);
//! 4. all mounts made private, then the bind mounts (read-only for the host directories and
//!    the inputs; read-write for the build directory), `proc`, `devpts`, a `tmpfs` on
//!    `/dev/shm`;
//! 5. `pivot_root` into the new root, the old root detached;
//! 6. host name `localhost`, the loopback interface up;
//! 7. with a slot: supplementary groups dropped, uid 1000 / gid 100 inside (the slot's
//!    `first+1000` / `first+100` on the host), no capabilities, `no_new_privs` set.
//!
//! Everything `enter` needs is computed by `prepare` beforehand: between `fork` and `exec` of
//! a multi-threaded program only async-signal-safe calls are allowed, so `enter` makes raw
//! system calls on prepared C strings and never allocates. (This is why the code uses `libc`
//! directly rather than the `nix` crate, whose path arguments may allocate.)

use std::ffi::CString;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{BuildError, Result};

/// What the sandbox of one build contains.
pub struct SandboxPlan<'a> {
    /// The new root, on the host (created here; must not exist).
    pub chroot: &'a Path,
    /// The build directory on the host (becomes `/build` and `/tmp`).
    pub build_dir: &'a Path,
    /// The logical store directory (`/nix/store`).
    pub store_dir: &'a str,
    /// The physical paths of the input closure.
    pub inputs: &'a [PathBuf],
    /// Keep the host's network (fixed-output derivations).
    pub network: bool,
    /// The first host id of the build users' slot when root builds (`userpool`): the
    /// builder runs as uid 1000 / gid 100 of a user namespace mapping the slot.
    pub build_user: Option<u32>,
}

/// The mounts and namespace settings, ready for the child.
pub struct Prepared {
    ops: Vec<Op>,
    chroot: CString,
    build_in_chroot: CString,
    network: bool,
    user_ns: Option<UserNs>,
    /// The uid and gid (inside) the builder runs as, when they are not the ones it enters
    /// with.
    drop_to: Option<(u32, u32)>,
}

struct UserNs {
    uid_map: Vec<u8>,
    gid_map: Vec<u8>,
    /// Written by a helper in the host namespace (a slot's range), rather than by the child
    /// itself (the caller's one id, with `setgroups` denied).
    by_helper: bool,
}

pub(crate) enum Op {
    Bind {
        src: CString,
        dst: CString,
        /// Remount read-only with these extra flags (those locked on the source mount).
        read_only: Option<libc::c_ulong>,
    },
    Mount {
        source: CString,
        target: CString,
        fstype: CString,
        flags: libc::c_ulong,
        data: Option<CString>,
        /// Failure is ignored (devpts where it cannot be mounted).
        optional: bool,
    },
}

/// Host directories visible read-only in the sandbox (symlinks among them are copied).
const HOST_DIRS: &[&str] = &["bin", "sbin", "usr", "lib", "lib32", "lib64", "libx32"];
const DEVICES: &[&str] = &["null", "zero", "full", "random", "urandom", "tty"];

pub(crate) fn cstr(path: &Path) -> Result<CString> {
    CString::new(path.as_os_str().as_bytes()).map_err(|_| {
        BuildError::io(
            "preparing the sandbox",
            path,
            io::Error::from(io::ErrorKind::InvalidInput),
        )
    })
}

fn c(s: &str) -> CString {
    // Only called with literals, which contain no NUL.
    CString::new(s).unwrap_or_default()
}

pub(crate) fn io_at<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> BuildError + 'a {
    move |e| BuildError::io(action, path, e)
}

/// Lays out the new root on the host and computes the mounts.
pub fn prepare(plan: &SandboxPlan<'_>) -> Result<Prepared> {
    let root = plan.chroot;
    fs::create_dir_all(root).map_err(io_at("creating", root))?;
    let mut ops = Vec::new();
    let mkdir = |p: &Path| fs::create_dir_all(p).map_err(io_at("creating", p));
    let touch = |p: &Path| {
        fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(p)
            .map(drop)
            .map_err(io_at("creating", p))
    };
    for name in HOST_DIRS {
        let host = Path::new("/").join(name);
        let Ok(meta) = fs::symlink_metadata(&host) else {
            continue;
        };
        let inside = root.join(name);
        if meta.file_type().is_symlink() {
            let target = fs::read_link(&host).map_err(io_at("reading link", &host))?;
            symlink(&target, &inside).map_err(io_at("creating", &inside))?;
        } else if meta.is_dir() {
            mkdir(&inside)?;
            ops.push(bind_ro(&host, &inside)?);
        }
    }
    let store = root.join(plan.store_dir.trim_start_matches('/'));
    mkdir(&store)?;
    if let Some(first) = plan.build_user {
        // As Nix's sandbox store directory: the builder's group may create its outputs there,
        // the sticky bit keeps it from removing the inputs' mount points.
        let gid = first + crate::userpool::INSIDE_GID;
        std::os::unix::fs::lchown(&store, Some(first), Some(gid))
            .map_err(io_at("changing the owner of", &store))?;
        fs::set_permissions(&store, fs::Permissions::from_mode(0o1775))
            .map_err(io_at("setting permissions of", &store))?;
    }
    for input in plan.inputs {
        let Some(base) = input.file_name() else {
            continue;
        };
        let inside = store.join(base);
        let meta = fs::symlink_metadata(input).map_err(io_at("getting status of", input))?;
        if meta.file_type().is_symlink() {
            let target = fs::read_link(input).map_err(io_at("reading link", input))?;
            symlink(&target, &inside).map_err(io_at("creating", &inside))?;
            continue;
        }
        if meta.is_dir() {
            mkdir(&inside)?;
        } else {
            touch(&inside)?;
        }
        ops.push(bind_ro(input, &inside)?);
    }
    for dir in ["build", "tmp"] {
        let inside = root.join(dir);
        mkdir(&inside)?;
        ops.push(Op::Bind {
            src: cstr(plan.build_dir)?,
            dst: cstr(&inside)?,
            read_only: None,
        });
    }
    let dev = root.join("dev");
    mkdir(&dev)?;
    for name in DEVICES {
        let host = Path::new("/dev").join(name);
        if fs::symlink_metadata(&host).is_err() {
            continue;
        }
        let inside = dev.join(name);
        touch(&inside)?;
        ops.push(Op::Bind {
            src: cstr(&host)?,
            dst: cstr(&inside)?,
            read_only: None,
        });
    }
    let pts = dev.join("pts");
    mkdir(&pts)?;
    ops.push(Op::Mount {
        source: c("devpts"),
        target: cstr(&pts)?,
        fstype: c("devpts"),
        flags: libc::MS_NOSUID | libc::MS_NOEXEC,
        data: Some(c("newinstance,mode=0620,ptmxmode=0666")),
        optional: true,
    });
    let shm = dev.join("shm");
    mkdir(&shm)?;
    ops.push(Op::Mount {
        source: c("tmpfs"),
        target: cstr(&shm)?,
        fstype: c("tmpfs"),
        flags: libc::MS_NOSUID | libc::MS_NODEV,
        data: Some(c("size=50%")),
        optional: true,
    });
    for (link, target) in [
        ("ptmx", "pts/ptmx"),
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ] {
        let p = dev.join(link);
        symlink(target, &p).map_err(io_at("creating", &p))?;
    }
    let proc_dir = root.join("proc");
    mkdir(&proc_dir)?;
    ops.push(Op::Mount {
        source: c("proc"),
        target: cstr(&proc_dir)?,
        fstype: c("proc"),
        flags: libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
        data: None,
        optional: false,
    });
    let etc = root.join("etc");
    mkdir(&etc)?;
    // Nix 2.8's files; the build user's line only where there is one (as root).
    let passwd = if plan.build_user.is_some() {
        "root:x:0:0:Nix build user:/build:/noshell\n\
         nixbld:x:1000:100:Nix build user:/build:/noshell\n\
         nobody:x:65534:65534:Nobody:/:/noshell\n"
    } else {
        "root:x:0:0:Nix build user:/build:/noshell\nnobody:x:65534:65534:Nobody:/:/noshell\n"
    };
    for (file, contents) in [
        ("passwd", passwd),
        ("group", "root:x:0:\nnixbld:!:100:\nnogroup:x:65534:\n"),
        ("hosts", "127.0.0.1 localhost\n::1 localhost\n"),
    ] {
        let p = etc.join(file);
        fs::write(&p, contents).map_err(io_at("writing", &p))?;
    }
    // The new root must be a mount point for pivot_root.
    ops.insert(
        0,
        Op::Bind {
            src: cstr(root)?,
            dst: cstr(root)?,
            read_only: None,
        },
    );
    fs::set_permissions(root, fs::Permissions::from_mode(0o755))
        .map_err(io_at("setting permissions of", root))?;
    // SAFETY: geteuid and getegid cannot fail.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    let size = crate::userpool::SLOT_SIZE;
    let user_ns = match plan.build_user {
        Some(first) => Some(UserNs {
            uid_map: format!("0 {first} {size}").into_bytes(),
            gid_map: format!("0 {first} {size}").into_bytes(),
            by_helper: true,
        }),
        None => (uid != 0).then(|| UserNs {
            uid_map: format!("0 {uid} 1").into_bytes(),
            gid_map: format!("0 {gid} 1").into_bytes(),
            by_helper: false,
        }),
    };
    Ok(Prepared {
        ops,
        chroot: cstr(root)?,
        build_in_chroot: c("/build"),
        network: plan.network,
        user_ns,
        drop_to: plan
            .build_user
            .map(|_| (crate::userpool::INSIDE_UID, crate::userpool::INSIDE_GID)),
    })
}

/// A read-only bind mount of `src`, keeping the flags the kernel locks on its mount (a
/// read-only remount in a user namespace must not drop `nosuid`, `nodev`, `noexec`).
pub(crate) fn bind_ro(src: &Path, dst: &Path) -> Result<Op> {
    let c_src = cstr(src)?;
    // SAFETY: `c_src` is a valid C string and `st` a properly sized out-parameter.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    let locked = if unsafe { libc::statvfs(c_src.as_ptr(), &mut st) } == 0 {
        let f = st.f_flag;
        let mut flags = 0;
        for (st_flag, ms_flag) in [
            (libc::ST_NOSUID, libc::MS_NOSUID),
            (libc::ST_NODEV, libc::MS_NODEV),
            (libc::ST_NOEXEC, libc::MS_NOEXEC),
            (libc::ST_NOATIME, libc::MS_NOATIME),
            (libc::ST_NODIRATIME, libc::MS_NODIRATIME),
            (libc::ST_RELATIME, libc::MS_RELATIME),
        ] {
            if f & st_flag != 0 {
                flags |= ms_flag;
            }
        }
        flags
    } else {
        0
    };
    Ok(Op::Bind {
        src: c_src,
        dst: cstr(dst)?,
        read_only: Some(locked),
    })
}

impl Prepared {
    /// Enters the sandbox. Runs in the child between `fork` and `exec`: async-signal-safe
    /// system calls only, no allocation. On failure a message goes to the child's standard
    /// error (the build log) and the error is returned.
    ///
    /// # Safety
    /// Must only be called in a freshly forked child (a `pre_exec` hook).
    pub unsafe fn enter(&self) -> io::Result<()> {
        match &self.user_ns {
            Some(ns) if ns.by_helper => unshare_user_mapped_by_helper(ns)?,
            Some(ns) => {
                check(
                    libc::unshare(libc::CLONE_NEWUSER),
                    b"unshare user namespace",
                )?;
                write_file(c"/proc/self/setgroups", b"deny")?;
                write_file(c"/proc/self/uid_map", &ns.uid_map)?;
                write_file(c"/proc/self/gid_map", &ns.gid_map)?;
            }
            None => {}
        }
        let mut flags =
            libc::CLONE_NEWNS | libc::CLONE_NEWPID | libc::CLONE_NEWIPC | libc::CLONE_NEWUTS;
        if !self.network {
            flags |= libc::CLONE_NEWNET;
        }
        check(libc::unshare(flags), b"unshare namespaces")?;
        // The builder must be PID 1 of the new PID namespace: fork once more; this process
        // only waits and passes on the exit status.
        let pid = check(libc::fork(), b"fork into the PID namespace")?;
        if pid > 0 {
            wait_and_exit(pid);
        }
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
        make_mounts_private()?;
        for op in &self.ops {
            op.run()?;
        }
        check(libc::chdir(self.chroot.as_ptr()), b"chdir to the new root")?;
        check(
            libc::syscall(libc::SYS_pivot_root, c".".as_ptr(), c".".as_ptr()) as libc::c_int,
            b"pivot_root",
        )?;
        check(
            libc::umount2(c".".as_ptr(), libc::MNT_DETACH),
            b"detach the old root",
        )?;
        check(
            libc::sethostname(c"localhost".as_ptr(), 9),
            b"set the host name",
        )?;
        libc::setdomainname(c"(none)".as_ptr(), 6);
        if !self.network {
            loopback_up();
        }
        if let Some((uid, gid)) = self.drop_to {
            crate::userpool::become_builder(uid, gid, None)?;
            // Changing credentials cleared the parent-death signal.
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
        }
        check(libc::chdir(self.build_in_chroot.as_ptr()), b"chdir /build")?;
        Ok(())
    }
}

/// A new user namespace whose id maps are written by a helper: this process forks it before
/// unsharing (so the helper stays in the host namespace, with root's `CAP_SETUID` there),
/// unshares, tells the helper to write `/proc/<pid>/{uid,gid}_map`, and waits for its answer.
/// `setgroups` stays allowed, so the builder can drop root's supplementary groups. For a
/// forked child: async-signal-safe calls only, no allocation.
unsafe fn unshare_user_mapped_by_helper(ns: &UserNs) -> io::Result<()> {
    let mut go = [0; 2];
    let mut done = [0; 2];
    check(
        libc::pipe2(go.as_mut_ptr(), libc::O_CLOEXEC),
        b"create a pipe",
    )?;
    check(
        libc::pipe2(done.as_mut_ptr(), libc::O_CLOEXEC),
        b"create a pipe",
    )?;
    let me = libc::getpid();
    let helper = check(libc::fork(), b"fork the id-mapping helper")?;
    if helper == 0 {
        libc::close(go[1]);
        libc::close(done[0]);
        let mut byte = 0u8;
        let ok = libc::read(go[0], (&raw mut byte).cast(), 1) == 1
            && write_proc_file(me, b"uid_map", &ns.uid_map).is_ok()
            && write_proc_file(me, b"gid_map", &ns.gid_map).is_ok();
        let answer = [u8::from(ok)];
        libc::write(done[1], answer.as_ptr().cast(), 1);
        libc::_exit(0);
    }
    libc::close(go[0]);
    libc::close(done[1]);
    let unshared = check(
        libc::unshare(libc::CLONE_NEWUSER),
        b"unshare user namespace",
    );
    if unshared.is_ok() {
        libc::write(go[1], b"x".as_ptr().cast(), 1);
    }
    libc::close(go[1]);
    let mut answer = 0u8;
    let n = libc::read(done[0], (&raw mut answer).cast(), 1);
    libc::close(done[0]);
    libc::waitpid(helper, std::ptr::null_mut(), 0);
    unshared?;
    if n != 1 || answer != 1 {
        let err = io::Error::from_raw_os_error(libc::EPERM);
        report(b"map the build user's ids", b"", &err);
        return Err(err);
    }
    Ok(())
}

/// Writes `/proc/<pid>/<name>`, the path formatted on the stack.
unsafe fn write_proc_file(pid: libc::pid_t, name: &[u8], contents: &[u8]) -> io::Result<()> {
    let mut path = [0u8; 64];
    let mut len = 0;
    let mut put = |bytes: &[u8]| {
        for &b in bytes {
            if len < path.len() - 1 {
                path[len] = b;
                len += 1;
            }
        }
    };
    put(b"/proc/");
    let mut digits = [0u8; 12];
    let mut n = pid.unsigned_abs();
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    put(&digits[i..]);
    put(b"/");
    put(name);
    // The buffer is zeroed and `len` stops one short of its end: a NUL terminates the path.
    let path = std::ffi::CStr::from_bytes_until_nul(&path)
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    write_file(path, contents)
}

impl Op {
    pub(crate) unsafe fn run(&self) -> io::Result<()> {
        match self {
            Op::Bind {
                src,
                dst,
                read_only,
            } => {
                let rc = libc::mount(
                    src.as_ptr(),
                    dst.as_ptr(),
                    std::ptr::null(),
                    libc::MS_BIND | libc::MS_REC,
                    std::ptr::null(),
                );
                check_at(rc, b"bind mount ", dst)?;
                if let Some(locked) = read_only {
                    let rc = libc::mount(
                        std::ptr::null(),
                        dst.as_ptr(),
                        std::ptr::null(),
                        libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY | locked,
                        std::ptr::null(),
                    );
                    check_at(rc, b"remount read-only ", dst)?;
                }
                Ok(())
            }
            Op::Mount {
                source,
                target,
                fstype,
                flags,
                data,
                optional,
            } => {
                let rc = libc::mount(
                    source.as_ptr(),
                    target.as_ptr(),
                    fstype.as_ptr(),
                    *flags,
                    data.as_ref()
                        .map_or(std::ptr::null(), |d| d.as_ptr().cast()),
                );
                if *optional {
                    return Ok(());
                }
                check_at(rc, b"mount ", target)
            }
        }
    }
}

/// Waits for the builder (PID 1 of the namespace) and exits with its status. Closes every
/// descriptor first, so that the parent sees end-of-file on its pipes once the builder is
/// done.
unsafe fn wait_and_exit(pid: libc::pid_t) -> ! {
    libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32);
    let mut status = 0;
    loop {
        let rc = libc::waitpid(pid, &mut status, 0);
        if rc == pid {
            break;
        }
        if rc < 0 && *libc::__errno_location() != libc::EINTR {
            libc::_exit(127);
        }
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else if libc::WIFSIGNALED(status) {
        128 + libc::WTERMSIG(status)
    } else {
        127
    };
    libc::_exit(code)
}

unsafe fn loopback_up() {
    let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
    if fd < 0 {
        return;
    }
    let mut ifr: libc::ifreq = std::mem::zeroed();
    ifr.ifr_name[0] = b'l' as libc::c_char;
    ifr.ifr_name[1] = b'o' as libc::c_char;
    if libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut ifr) == 0 {
        ifr.ifr_ifru.ifru_flags |= (libc::IFF_UP | libc::IFF_LOOPBACK | libc::IFF_RUNNING) as i16;
        libc::ioctl(fd, libc::SIOCSIFFLAGS, &ifr);
    }
    libc::close(fd);
}

pub(crate) unsafe fn write_file(path: &std::ffi::CStr, contents: &[u8]) -> io::Result<()> {
    let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
    check_at(fd, b"open ", path)?;
    let n = libc::write(fd, contents.as_ptr().cast(), contents.len());
    let err = io::Error::last_os_error();
    libc::close(fd);
    if n != contents.len() as isize {
        report(b"write ", path.to_bytes(), &err);
        return Err(err);
    }
    Ok(())
}

pub(crate) unsafe fn check<T: Into<i64> + Copy>(rc: T, what: &[u8]) -> io::Result<T> {
    if rc.into() < 0 {
        let err = io::Error::last_os_error();
        report(what, b"", &err);
        return Err(err);
    }
    Ok(rc)
}

pub(crate) unsafe fn check_at(
    rc: libc::c_int,
    what: &[u8],
    path: &std::ffi::CStr,
) -> io::Result<()> {
    if rc < 0 {
        let err = io::Error::last_os_error();
        report(what, path.to_bytes(), &err);
        return Err(err);
    }
    Ok(())
}

/// Writes `ntop sandbox: <what><path>: errno <n>` to standard error without allocating.
pub(crate) unsafe fn report(what: &[u8], path: &[u8], err: &io::Error) {
    let put = |b: &[u8]| {
        libc::write(2, b.as_ptr().cast(), b.len());
    };
    put(b"ntop sandbox: cannot ");
    put(what);
    put(path);
    put(b": errno ");
    let mut digits = [0u8; 12];
    let mut n = err.raw_os_error().unwrap_or(0).unsigned_abs();
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    put(&digits[i..]);
    put(b"\n");
}

/// Makes every mount of the new mount namespace private, so that nothing mounted in it
/// propagates back to the host. For a forked child: async-signal-safe calls only.
pub(crate) unsafe fn make_mounts_private() -> io::Result<()> {
    check(
        libc::mount(
            std::ptr::null(),
            c"/".as_ptr(),
            std::ptr::null(),
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        ),
        b"make mounts private",
    )?;
    Ok(())
}

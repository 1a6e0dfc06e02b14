//! Running one builder: a fresh build directory, the environment, the sandbox, the log.
//!
//! The builder's standard output and error go to one pipe; a thread copies every line to the
//! derivation's log file (`<root>/var/log/ntop/drvs/<drv>.log`), to the observer, and keeps
//! the last lines for the error report. Standard input is `/dev/null`.
//!
//! When ntop runs as root, the build takes a slot of build users (`userpool`) first: the
//! build directory is given to the build user, and the builder runs as that user — inside
//! the sandbox's user namespace, or (without the sandbox) directly, with the store
//! directory's group as its one supplementary group so that it can create its outputs there.

use std::collections::{BTreeMap, VecDeque};
use std::ffi::OsString;
use std::fs;
use std::io::{self, BufRead, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::DirBuilderExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ntop_store::{remove_tree, Derivation, DerivationOutput, LocalStore, StorePath};

use crate::env::{make_env, EnvInput};
use crate::error::{BuildError, Result};
use crate::fds;
use crate::interrupt;
use crate::limits::Limits;
use crate::sandbox::{self, SandboxPlan};
use crate::stale;
use crate::userpool::{self, Slot};
use crate::{BuildConfig, Event, Observer};

/// How many log lines a failure report shows.
pub const LOG_TAIL_LINES: usize = 25;

/// One build to run.
pub struct Job<'a> {
    pub store: &'a LocalStore,
    pub drv_path: &'a StorePath,
    pub drv: &'a Derivation,
    /// Output name → output path.
    pub outputs: &'a BTreeMap<String, StorePath>,
    /// Physical paths of the input closure (what the sandbox shows).
    pub inputs: &'a [PathBuf],
    pub config: &'a BuildConfig,
    pub observer: &'a dyn Observer,
}

/// Where a finished build's outputs are, and what to clean up.
pub struct Workspace {
    /// Output name → where the builder left it on the host.
    pub scratch: BTreeMap<String, PathBuf>,
    pub build_dir: PathBuf,
    pub chroot: Option<PathBuf>,
    /// The build users' slot, held until the workspace is dropped (root's builds).
    pub slot: Option<Slot>,
    /// Registers the build until the workspace is dropped (`stale`).
    _record: stale::Record,
}

impl Workspace {
    /// Keeps the build directory and the sandbox root of a failed build (`--keep-failed`)
    /// from being removed as stale once this process is gone.
    pub fn keep(&self) {
        self._record.keep();
    }
    /// Removes the build directory and the sandbox root (never crossing into another file
    /// system, so a mount that leaked could not be deleted through).
    pub fn remove(&self) {
        let _ = remove_tree(&self.build_dir);
        if let Some(chroot) = &self.chroot {
            let _ = remove_tree(chroot);
        }
    }
}

/// The result of running a builder: its workspace, and the error with the log's tail if it
/// failed.
pub struct Run {
    pub workspace: Workspace,
    pub result: Result<()>,
    pub log_tail: Vec<String>,
    pub log_file: PathBuf,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

pub fn run(job: &Job<'_>) -> Result<Run> {
    let store_dir = job.store.store_dir();
    let drv_name = store_dir.print(job.drv_path);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id();
    let build_dir = job.config.tmp_dir.join(format!("ntop-build-{pid}-{n}"));
    if interrupt::interrupted() {
        return Err(BuildError::Interrupted);
    }
    let record = stale::Record::create(job.store, &format!("{pid}-{n}"), &build_dir)?;
    fs::DirBuilder::new()
        .mode(0o700)
        .recursive(true)
        .create(&build_dir)
        .map_err(|e| BuildError::io("creating build directory", &build_dir, e))?;
    let chroot = job.config.sandbox.then(|| {
        job.store
            .chroot_path(&format!("{pid}-{n}-{}", job.drv.name))
    });
    let scratch: BTreeMap<String, PathBuf> = job
        .outputs
        .iter()
        .map(|(name, path)| {
            let place = match &chroot {
                Some(root) => root
                    .join(store_dir.as_str().trim_start_matches('/'))
                    .join(path.to_string()),
                None => job.store.physical_path(path),
            };
            (name.clone(), place)
        })
        .collect();
    // SAFETY: geteuid cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let slot = match &job.config.user_pool {
        Some(pool) if root => Some(userpool::allocate(pool)?),
        _ => None,
    };
    let workspace = Workspace {
        scratch,
        build_dir: build_dir.clone(),
        chroot: chroot.clone(),
        slot,
        _record: record,
    };
    let log_file = job.store.log_path(job.drv_path);
    let mut tail = Vec::new();
    let result = run_in(job, &workspace, &log_file, &mut tail);
    Ok(Run {
        workspace,
        result: result.map_err(|e| match e {
            BuildError::Unsupported { message, .. } => BuildError::Unsupported {
                drv: drv_name.clone(),
                message,
            },
            e => e,
        }),
        log_tail: tail,
        log_file,
    })
}

fn run_in(job: &Job<'_>, ws: &Workspace, log_file: &Path, tail: &mut Vec<String>) -> Result<()> {
    let store_dir = job.store.store_dir();
    let drv_name = store_dir.print(job.drv_path);
    let top_in_build = if job.config.sandbox {
        "/build".to_owned()
    } else {
        ws.build_dir.to_string_lossy().into_owned()
    };
    let fixed_output = job
        .drv
        .outputs
        .values()
        .any(|o| matches!(o, DerivationOutput::CaFixed { .. }));
    let printed_outputs = job
        .outputs
        .iter()
        .map(|(k, v)| (k.clone(), store_dir.print(v)))
        .collect();
    let env = make_env(&EnvInput {
        env: &job.drv.env,
        top_in_build: &top_in_build,
        top_on_host: &ws.build_dir,
        store_dir: store_dir.as_str(),
        cores: job.config.cores,
        fixed_output,
        outputs: &printed_outputs,
    })?;
    // The build user owns its build directory (and the files `make_env` wrote there).
    if let Some(slot) = &ws.slot {
        chown_tree(&ws.build_dir, slot.host_uid(), slot.host_gid())?;
    }
    // Without the sandbox, the build user creates its outputs in the store directory
    // itself, through the directory's group.
    let store_group = match (&ws.slot, job.config.sandbox) {
        (Some(slot), false) => Some(store_group_for_builders(job, slot)?),
        _ => None,
    };
    let as_user = store_group.and_then(|group| {
        let slot = ws.slot.as_ref()?;
        Some((slot.host_uid(), slot.host_gid(), group))
    });
    let limits = Limits::of(job.config);
    // Outputs left by an interrupted build are removed first.
    for place in ws.scratch.values() {
        remove_tree(place).map_err(|e| BuildError::io("removing stale output", place, e))?;
    }
    if let Some(dir) = log_file.parent() {
        fs::create_dir_all(dir).map_err(|e| BuildError::io("creating", dir, e))?;
    }
    let mut log =
        fs::File::create(log_file).map_err(|e| BuildError::io("creating", log_file, e))?;

    if let Some(name) = job.drv.builder.strip_prefix(b"builtin:") {
        // Run in ntop itself (`builtins`); its failure is reported as Nix reports its
        // builtins': a builder that printed the error and exited with 1.
        job.observer.event(Event::Started { drv: job.drv_path });
        let out = ws.scratch.get("out").map(PathBuf::as_path);
        let reader = ws.slot.as_ref().map(|s| (s.host_uid(), s.host_gid()));
        return crate::builtins::run(name, job.drv, out, reader).map_err(|message| {
            let line = format!("error: {message}");
            let _ = writeln!(log, "{line}");
            job.observer.event(Event::Log {
                drv: job.drv_path,
                line: line.as_bytes(),
            });
            tail.push(line);
            BuildError::BuilderFailed {
                drv: drv_name,
                status: 1,
                limits: None,
                fixed_output,
            }
        });
    }
    let builder = OsString::from_vec(job.drv.builder.clone());
    let mut cmd = Command::new(&builder);
    cmd.args(job.drv.args.iter().map(|a| OsString::from_vec(a.clone())))
        .env_clear()
        .envs(
            env.iter()
                .map(|(k, v)| (OsString::from(k), OsString::from_vec(v.clone()))),
        )
        .current_dir(&ws.build_dir)
        .stdin(Stdio::null());
    let (reader, writer) = pipe().map_err(|e| BuildError::io("creating a pipe", log_file, e))?;
    let writer2 = writer
        .try_clone()
        .map_err(|e| BuildError::io("creating a pipe", log_file, e))?;
    cmd.stdout(Stdio::from(writer)).stderr(Stdio::from(writer2));
    let prepared = match &ws.chroot {
        Some(chroot) => Some(sandbox::prepare(&SandboxPlan {
            chroot,
            build_dir: &ws.build_dir,
            store_dir: store_dir.as_str(),
            inputs: job.inputs,
            network: fixed_output,
            build_user: ws.slot.as_ref().map(|s| s.first),
        })?),
        None => None,
    };
    // A process group of its own, which an interruption kills (`interrupt`).
    cmd.process_group(0);
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: `close_inherited`, `apply`, `become_builder`, `prctl`, `getppid` and `enter`
    // make only async-signal-safe system calls on data prepared before the fork, as a
    // pre_exec hook requires.
    unsafe {
        cmd.pre_exec(move || {
            fds::close_inherited()?;
            limits.apply()?;
            if let Some((uid, gid, group)) = as_user {
                userpool::become_builder(uid, gid, Some(group))?;
            }
            // The child dies with ntop, even if ntop is killed without a chance to clean up;
            // if ntop died before this took effect, the child must not run on. (Set after
            // the change of user, which clears it.)
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            match &prepared {
                Some(prepared) => prepared.enter(),
                None => Ok(()),
            }
        });
    }
    job.observer.event(Event::Started { drv: job.drv_path });
    let spawned = cmd.spawn();
    // Close our copies of the pipe's write end, so the reader sees end-of-file.
    drop(cmd);
    let mut child = match spawned {
        Ok(child) => child,
        Err(source) => {
            let log_text = fs::read_to_string(log_file).unwrap_or_default();
            return Err(if job.config.sandbox && !log_text.is_empty() {
                tail.extend(log_text.lines().map(str::to_owned));
                BuildError::Sandbox {
                    drv: drv_name,
                    message: format!("{} ({source})", log_text.trim()),
                }
            } else {
                BuildError::Spawn {
                    drv: drv_name,
                    builder: String::from_utf8_lossy(&job.drv.builder).into_owned(),
                    source,
                }
            });
        }
    };
    let group = interrupt::Group::register(child.id() as libc::pid_t);
    let drv_path = job.drv_path;
    let observer = job.observer;
    let started = Instant::now();
    // Milliseconds since `started` of the builder's last output, for `max-silent-time`.
    let last_output = AtomicU64::new(0);
    let (timeout, max_silent) = (job.config.timeout, job.config.max_silent_time);
    let pid = child.id() as libc::pid_t;
    let lines = std::thread::scope(|s| {
        let activity = &last_output;
        let (done, stopped) = std::sync::mpsc::channel::<()>();
        let copier =
            s.spawn(move || copy_log(reader, &mut log, drv_path, observer, (started, activity)));
        // The watchdog kills a builder that runs too long or too quietly; dropping `done`
        // (once the builder has exited) stops it at once.
        let watchdog = (timeout.is_some() || max_silent.is_some())
            .then(|| s.spawn(move || watch(pid, started, timeout, max_silent, activity, &stopped)));
        let status = child.wait();
        drop(done);
        let expired = watchdog.and_then(|w| w.join().ok()).flatten();
        // Whatever the builder left running in its process group goes too.
        // SAFETY: kill has no memory-safety preconditions.
        unsafe {
            libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
        }
        // And whatever the build user left running elsewhere (a new session escapes the
        // group; in the sandbox the PID namespace took everything with it).
        if let Some((uid, _, _)) = as_user {
            userpool::kill_user(uid);
        }
        drop(group);
        let lines = copier.join().unwrap_or_default();
        (status, lines, expired)
    });
    let (status, lines, expired) = lines;
    *tail = lines.into_iter().collect();
    let status = status.map_err(|e| BuildError::io("waiting for builder", &ws.build_dir, e))?;
    if interrupt::interrupted() {
        return Err(BuildError::Interrupted);
    }
    if let Some((limit, silence)) = expired {
        let outputs: Vec<&str> = job.outputs.keys().map(String::as_str).collect();
        return Err(BuildError::TimedOut {
            goal: format!("{drv_name}!{}", outputs.join(",")),
            seconds: limit.as_secs(),
            silence,
        });
    }
    if status.success() {
        return Ok(());
    }
    let code = status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(1);
    // A sandbox that could not be set up reports itself in the log and exits 1 from the
    // first child (the error never reaches spawn there).
    if let Some(line) = tail.iter().find(|l| l.starts_with("ntop sandbox: ")) {
        return Err(BuildError::Sandbox {
            drv: drv_name,
            message: line.trim_start_matches("ntop sandbox: ").to_owned(),
        });
    }
    Err(BuildError::BuilderFailed {
        drv: drv_name,
        status: code,
        limits: limits.describe(),
        fixed_output,
    })
}

/// Gives `dir` and everything in it to `uid`/`gid` (never following a symlink).
fn chown_tree(dir: &Path, uid: u32, gid: u32) -> Result<()> {
    std::os::unix::fs::lchown(dir, Some(uid), Some(gid))
        .map_err(|e| BuildError::io("changing the owner of", dir, e))?;
    let meta =
        fs::symlink_metadata(dir).map_err(|e| BuildError::io("getting status of", dir, e))?;
    if meta.is_dir() {
        let entries = fs::read_dir(dir).map_err(|e| BuildError::io("reading directory", dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| BuildError::io("reading directory", dir, e))?;
            chown_tree(&entry.path(), uid, gid)?;
        }
    }
    Ok(())
}

/// The group through which build users create outputs in the store directory without the
/// sandbox, as Nix's build users do through `build-users-group`: the directory's group if it
/// is group-writable (and not root's); otherwise the directory is given to the pool's first
/// id as a group and made `1775` (sticky: no build user can remove what it did not create).
fn store_group_for_builders(job: &Job<'_>, slot: &Slot) -> Result<u32> {
    use std::os::unix::fs::MetadataExt;
    let Some(any_output) = job.outputs.values().next() else {
        return Ok(slot.host_gid());
    };
    let physical = job.store.physical_path(any_output);
    let Some(dir) = physical.parent() else {
        return Ok(slot.host_gid());
    };
    let meta = fs::metadata(dir).map_err(|e| BuildError::io("getting status of", dir, e))?;
    if meta.mode() & 0o070 == 0o070 && meta.gid() != 0 {
        return Ok(meta.gid());
    }
    let pool = job.config.user_pool.unwrap_or_default();
    std::os::unix::fs::chown(dir, None, Some(pool.start_id))
        .map_err(|e| BuildError::io("changing the group of", dir, e))?;
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o1775))
        .map_err(|e| BuildError::io("setting permissions of", dir, e))?;
    Ok(pool.start_id)
}

/// Waits for the builder to exit (`stopped` disconnects); kills its process group when it
/// runs past `timeout` or prints nothing for `max_silent`, and says which limit it hit
/// (`true`: silence).
fn watch(
    pid: libc::pid_t,
    started: Instant,
    timeout: Option<Duration>,
    max_silent: Option<Duration>,
    last_output: &AtomicU64,
    stopped: &std::sync::mpsc::Receiver<()>,
) -> Option<(Duration, bool)> {
    loop {
        match stopped.recv_timeout(Duration::from_millis(100)) {
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            _ => return None,
        }
        let now = started.elapsed();
        let quiet = now.saturating_sub(Duration::from_millis(last_output.load(Ordering::Relaxed)));
        let hit = match (timeout, max_silent) {
            (Some(limit), _) if now >= limit => Some((limit, false)),
            (_, Some(limit)) if quiet >= limit => Some((limit, true)),
            _ => None,
        };
        if hit.is_some() {
            // SAFETY: kill has no memory-safety preconditions.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
                libc::kill(pid, libc::SIGKILL);
            }
            return hit;
        }
    }
}

/// Copies the builder's output to the log file and the observer; returns the last lines.
/// `last_output` is set to the time of each line, in milliseconds since the build started.
fn copy_log(
    reader: OwnedFd,
    log: &mut fs::File,
    drv: &StorePath,
    observer: &dyn Observer,
    (started, last_output): (Instant, &AtomicU64),
) -> VecDeque<String> {
    let mut tail = VecDeque::new();
    let mut reader = io::BufReader::new(fs::File::from(reader));
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        last_output.store(started.elapsed().as_millis() as u64, Ordering::Relaxed);
        let _ = log.write_all(&line);
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        observer.event(Event::Log { drv, line: text });
        if tail.len() == LOG_TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(String::from_utf8_lossy(text).into_owned());
    }
    tail
}

fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 returns.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just created and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

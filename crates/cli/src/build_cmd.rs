//! `ntop build`, `ntop log`, `ntop store verify|gc` and `ntop path-info`: the CLI side of
//! `ntop-build`.
//!
//! `ntop build FILE [-A attr]` instantiates first by running this same executable's
//! `instantiate` command (so evaluation, with all its options and diagnostics, is exactly
//! `ntop instantiate`'s) and builds the `.drv` paths it prints. Result links point at the
//! outputs' *physical* paths (under the store root), and each is registered as a garbage
//! collector root `<root>/var/ntop/gcroots/auto/<hash>`; the paths printed are the logical
//! ones, as `nix-build` prints them.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use ntop_build::{BuildConfig, BuildError, Event, Failure, Observer};
use ntop_store::{Database, LocalStore, StoreMode, StorePath};

use crate::args::{CommonArgs, StoreArgs};
use crate::store_cmd::open_store;

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// `.drv` store paths, or Nix files to instantiate and build.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// The name of the result link (`result`, then `result-2`…, `result-<output>`).
    #[arg(short = 'o', long = "out-link", default_value = "result")]
    pub out_link: String,
    /// Make no result links (and so no garbage-collector roots).
    #[arg(long = "no-out-link")]
    pub no_out_link: bool,
    /// Run at most this many builds at once (default: the number of cores).
    #[arg(short = 'j', long = "max-jobs", value_name = "N")]
    pub jobs: Option<usize>,
    /// `NIX_BUILD_CORES` for each builder (default: the number of cores).
    #[arg(long = "cores", value_name = "N")]
    pub cores: Option<usize>,
    /// Keep the build directory of failed builds.
    #[arg(short = 'K', long = "keep-failed")]
    pub keep_failed: bool,
    /// Go on building what does not depend on a failed build.
    #[arg(short = 'k', long = "keep-going")]
    pub keep_going: bool,
    /// Run builders without namespaces (needs the store at its logical directory).
    #[arg(long = "no-sandbox")]
    pub no_sandbox: bool,
    /// Show the builders' output, each line prefixed with the derivation's name.
    #[arg(short = 'L', long = "print-build-logs")]
    pub print_logs: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct LogArgs {
    /// A `.drv` path or an output path.
    pub path: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct PathInfoArgs {
    /// Store paths (logical, or their files under the store root).
    #[arg(required = true)]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct StoreCmdArgs {
    #[command(subcommand)]
    pub command: StoreCommand,
}

#[derive(Subcommand, Debug)]
pub enum StoreCommand {
    /// Re-hash every valid path and compare with the database.
    Verify(StoreArgs),
    /// Delete every store path not reachable from a garbage-collector root.
    Gc(StoreArgs),
}

fn open(store: &StoreArgs) -> Result<(LocalStore, Database), String> {
    let local = open_store(store, StoreMode::ReadWrite)?;
    let db = Database::open_in(local.root()).map_err(|e| e.to_string())?;
    Ok((local, db))
}

/// `ntop build`.
pub fn build(args: BuildArgs) -> i32 {
    match run_build(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

fn run_build(args: &BuildArgs) -> Result<i32, String> {
    let (store, db) = open(&args.common.store)?;
    let mut drvs = Vec::new();
    for arg in &args.paths {
        if arg.ends_with(".drv") {
            drvs.push(parse_path(&store, arg)?);
        } else {
            drvs.extend(instantiate(&store, args, arg)?);
        }
    }
    let mut config = BuildConfig {
        keep_failed: args.keep_failed,
        keep_going: args.keep_going,
        sandbox: !args.no_sandbox,
        ..BuildConfig::default()
    };
    if let Some(j) = args.jobs {
        config.jobs = j.max(1);
    }
    if let Some(c) = args.cores {
        config.cores = c;
    }
    let progress = Progress::new(args.print_logs, store.store_dir().as_str());
    let outcome =
        ntop_build::build(&store, &db, &drvs, &config, &progress).map_err(|e| e.to_string())?;
    progress.finish();
    let dir = store.store_dir();
    for failure in &outcome.failures {
        report_failure(&store, failure);
    }
    let mut n = 0;
    for drv in &drvs {
        let Some(outputs) = outcome.outputs.get(drv) else {
            continue;
        };
        n += 1;
        for (name, path) in outputs {
            if !args.no_out_link {
                let mut link = args.out_link.clone();
                if n > 1 {
                    link.push_str(&format!("-{n}"));
                }
                if name != "out" {
                    link.push_str(&format!("-{name}"));
                }
                make_result_link(&store, Path::new(&link), &store.physical_path(path))?;
            }
            println!("{}", dir.print(path));
        }
    }
    if outcome.failures.is_empty() {
        return Ok(0);
    }
    let mismatch = outcome
        .failures
        .iter()
        .any(|f| matches!(f.error, BuildError::HashMismatch { .. }));
    Ok(if mismatch { 102 } else { 100 })
}

fn report_failure(store: &LocalStore, failure: &Failure) {
    eprintln!("error: {}", failure.error);
    if matches!(failure.error, BuildError::DependencyFailed { .. }) {
        return;
    }
    if !failure.log_tail.is_empty() {
        eprintln!("       last {} log lines:", failure.log_tail.len());
        for line in &failure.log_tail {
            eprintln!("       > {line}");
        }
    }
    if failure.log_file.is_some() {
        eprintln!(
            "       For full logs, run 'ntop log {}'.",
            store.store_dir().print(&failure.drv)
        );
    }
}

/// Runs `ntop instantiate` on a file with the evaluation options given; returns the `.drv`
/// paths it prints.
fn instantiate(store: &LocalStore, args: &BuildArgs, file: &str) -> Result<Vec<StorePath>, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find ntop itself: {e}"))?;
    let c = &args.common;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("instantiate").arg("--modules").arg(file);
    for a in &c.attr {
        cmd.arg("-A").arg(a);
    }
    for i in &c.include {
        cmd.arg("-I").arg(i);
    }
    for pair in c.arg.chunks(2) {
        cmd.arg("--arg").args(pair);
    }
    for pair in c.argstr.chunks(2) {
        cmd.arg("--argstr").args(pair);
    }
    for pair in c.option.chunks(2) {
        cmd.arg("--option").args(pair);
    }
    if c.show_trace {
        cmd.arg("--show-trace");
    }
    cmd.arg("--store").arg(store.root());
    cmd.arg("--store-dir").arg(store.store_dir().as_str());
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run 'ntop instantiate': {e}"))?;
    // The build registers roots itself; instantiate's advice about them does not apply.
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        if !line.starts_with("warning: you did not specify '--add-root'") {
            eprintln!("{line}");
        }
    }
    if !out.status.success() {
        return Err(format!("cannot instantiate '{file}'"));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let path = l.split('!').next().unwrap_or(l);
            store.store_dir().parse(path).map_err(|e| e.to_string())
        })
        .collect()
}

/// A store path from a logical path, or from a file under the store root (a `./result`).
fn parse_path(store: &LocalStore, arg: &str) -> Result<StorePath, String> {
    let objects = store.root().join("store");
    if let Ok(real) = std::fs::canonicalize(arg) {
        let objects = std::fs::canonicalize(&objects).unwrap_or(objects);
        if let Ok(rest) = real.strip_prefix(&objects) {
            let base = rest
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str())
                .unwrap_or_default();
            return StorePath::from_base_name(base).map_err(|e| e.to_string());
        }
    }
    store
        .store_dir()
        .split(arg)
        .map(|(p, _)| p)
        .map_err(|e| e.to_string())
}

/// Points `link` at `target` (replacing an older link atomically) and registers it as a
/// garbage-collector root.
fn make_result_link(store: &LocalStore, link: &Path, target: &Path) -> Result<(), String> {
    let link = std::env::current_dir()
        .map(|d| d.join(link))
        .map_err(|e| e.to_string())?;
    if let Ok(meta) = std::fs::symlink_metadata(&link) {
        if !meta.file_type().is_symlink() {
            return Err(format!(
                "cannot create result link '{}': a file is in the way",
                link.display()
            ));
        }
    }
    let tmp = link.with_file_name(format!(
        ".{}.tmp-{}",
        link.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("result"),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(target, &tmp)
        .and_then(|()| std::fs::rename(&tmp, &link))
        .map_err(|e| format!("creating result link '{}': {e}", link.display()))?;
    let auto = ntop_build::gc_roots_dir(store.root()).join("auto");
    std::fs::create_dir_all(&auto).map_err(|e| e.to_string())?;
    let hash = ntop_store::Hash::sha256(link.as_os_str().as_encoded_bytes()).to_nix32();
    let root = auto.join(&hash[..32]);
    let _ = std::fs::remove_file(&root);
    std::os::unix::fs::symlink(&link, &root)
        .map_err(|e| format!("registering root '{}': {e}", root.display()))
}

/// Progress: an indicatif bar on a terminal, plain lines otherwise; `-L` streams logs.
struct Progress {
    bar: Option<ProgressBar>,
    print_logs: bool,
    store_dir: String,
    state: Mutex<(usize, usize, BTreeMap<String, ()>)>,
}

impl Progress {
    fn new(print_logs: bool, store_dir: &str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("[{pos}/{len}] {wide_msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            print_logs,
            store_dir: store_dir.to_owned(),
            state: Mutex::new((0, 0, BTreeMap::new())),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }

    fn update(&self) {
        let Some(bar) = &self.bar else {
            return;
        };
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let running: Vec<&str> = st.2.keys().map(String::as_str).collect();
        bar.set_message(format!("building {}", running.join(", ")));
    }
}

fn short_name(drv: &StorePath) -> String {
    drv.name().trim_end_matches(".drv").to_owned()
}

impl Observer for Progress {
    fn event(&self, event: Event<'_>) {
        match event {
            Event::Planned { to_build } => {
                if let Some(bar) = &self.bar {
                    bar.set_length(to_build as u64);
                }
                if self.bar.is_none() && to_build > 0 {
                    eprintln!("these {to_build} derivations will be built:");
                }
            }
            Event::Started { drv } => {
                {
                    let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
                    st.0 += 1;
                    st.2.insert(short_name(drv), ());
                }
                if self.bar.is_none() {
                    eprintln!("building '{}/{drv}'...", self.store_dir);
                }
                self.update();
            }
            Event::Log { drv, line } => {
                if self.print_logs {
                    self.line(&format!(
                        "{}> {}",
                        short_name(drv),
                        String::from_utf8_lossy(line)
                    ));
                }
            }
            Event::Succeeded { drv } | Event::Substituted { drv } | Event::Failed { drv, .. } => {
                {
                    let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
                    st.1 += 1;
                    st.2.remove(&short_name(drv));
                }
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
                self.update();
            }
        }
    }
}

/// `ntop log PATH`: the build log of a derivation, or of the derivation that built a path.
pub fn log(args: LogArgs) -> i32 {
    let result = (|| {
        let (store, db) = open(&args.store)?;
        let path = parse_path(&store, &args.path)?;
        let drv = if path.is_derivation() {
            path
        } else {
            db.query_path_info(&path)
                .map_err(|e| e.to_string())?
                .and_then(|i| i.deriver)
                .ok_or_else(|| format!("path '{}' has no known deriver", args.path))?
        };
        let file = ntop_build::log_path(store.root(), &drv);
        std::fs::read(&file).map_err(|_| {
            format!(
                "build log of '{}' is not available",
                store.store_dir().print(&drv)
            )
        })
    })();
    match result {
        Ok(bytes) => {
            let _ = std::io::stdout().write_all(&bytes);
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

/// `ntop path-info PATH…`: NAR size, closure size and references.
pub fn path_info(args: PathInfoArgs) -> i32 {
    let result = (|| {
        let (store, db) = open(&args.store)?;
        let dir = store.store_dir();
        for arg in &args.paths {
            let path = parse_path(&store, arg)?;
            let info = db
                .query_path_info(&path)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("path '{}' is not valid", dir.print(&path)))?;
            let closure =
                ntop_build::closure(&store, &db, [path.clone()]).map_err(|e| e.to_string())?;
            let mut closure_size = 0;
            for p in &closure {
                if let Some(i) = db.query_path_info(p).map_err(|e| e.to_string())? {
                    closure_size += i.nar_size;
                }
            }
            println!("{}", dir.print(&path));
            println!("  NAR hash:     {}", info.nar_hash.to_sri());
            println!("  NAR size:     {}", info.nar_size);
            println!("  closure size: {closure_size} ({} paths)", closure.len());
            if let Some(d) = &info.deriver {
                println!("  deriver:      {}", dir.print(d));
            }
            println!("  references:");
            for r in &info.references {
                println!("    {}", dir.print(r));
            }
        }
        Ok::<(), String>(())
    })();
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

/// `ntop store verify` and `ntop store gc`.
pub fn store(args: StoreCmdArgs) -> i32 {
    let result = match &args.command {
        StoreCommand::Verify(s) => verify(s),
        StoreCommand::Gc(s) => gc(s),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

fn verify(s: &StoreArgs) -> Result<i32, String> {
    let (store, db) = open(s)?;
    let dir = store.store_dir();
    let (checked, problems) = ntop_build::verify_store(&store, &db).map_err(|e| e.to_string())?;
    for p in &problems {
        match p {
            ntop_build::VerifyProblem::Missing(path) => {
                eprintln!("error: path '{}' is valid but missing", dir.print(path));
            }
            ntop_build::VerifyProblem::HashMismatch {
                path,
                expected,
                actual,
            } => eprintln!(
                "error: path '{}' was modified! expected hash '{expected}', got '{actual}'",
                dir.print(path)
            ),
        }
    }
    eprintln!("checked {checked} paths, {} problems", problems.len());
    Ok(if problems.is_empty() { 0 } else { 1 })
}

fn gc(s: &StoreArgs) -> Result<i32, String> {
    let (store, db) = open(s)?;
    let report = ntop_build::collect_garbage(&store, &db).map_err(|e| e.to_string())?;
    for p in &report.deleted {
        eprintln!("deleting '{}'", store.store_dir().print(p));
    }
    println!(
        "{} store paths deleted, {:.2} MiB freed",
        report.deleted.len(),
        report.bytes_freed as f64 / (1024.0 * 1024.0)
    );
    Ok(0)
}

//! `ntop build`: evaluation and building in this one process, through one driver session.
//!
//! Files are instantiated (with every evaluation option, traces and warnings shown as they
//! happen), `.drv` paths taken as they are; the session then builds exactly the selected
//! outputs (`-A pkg.dev` builds and links `dev`), links them (`result`, `result-<output>`,
//! `result-2`…, each also a garbage-collector root) and prints their logical paths, as
//! `nix-build` does. The session holds the store's garbage-collector lock from before the
//! first write until the links exist.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use ntop_driver::{
    Access, BuildEvent, BuildObserver, BuildOptions, BuildTarget, Input, RelocatedStore, Session,
};

use crate::args::BuildArgs;
use crate::evaluate::{expression, request};
use crate::options::{exit_with, prepare, session_options, watchdog};

pub fn build(args: BuildArgs) -> i32 {
    let common = &args.common;
    let (settings, renderer) = match prepare(common) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    if args.check {
        // Rebuilding valid outputs needs the builder to build beside them; until it can,
        // `--check` is refused rather than ignored.
        eprintln!(
            "error: ntop build --check is not supported yet (it cannot rebuild valid outputs)"
        );
        return 1;
    }
    let mut session = Session::open(session_options(common, Access::ReadWrite, settings));
    let mut targets = Vec::new();
    let mut drvs = Vec::new();
    {
        let _watchdog = watchdog(common);
        let inputs: Vec<Input> = if args.expr {
            args.paths
                .iter()
                .map(|e| Input::Expr(expression(e)))
                .collect()
        } else if args.paths.is_empty() {
            vec![Input::File("./default.nix".into())]
        } else {
            args.paths.iter().map(|f| Input::File(f.into())).collect()
        };
        for input in inputs {
            if let Input::File(arg) = &input {
                if let Some(arg) = arg.to_str() {
                    if arg.ends_with(".drv") || arg.contains(".drv!") {
                        targets.push(BuildTarget::Drv {
                            arg: arg.to_owned(),
                        });
                        continue;
                    }
                }
            }
            let request = request(common, vec![input], true);
            let mut found = Vec::new();
            if let Err(e) = session.instantiate(&request, &mut found) {
                let code = renderer.fail(&e);
                exit_with(code, session);
            }
            drvs.extend(found.iter().cloned());
            targets.extend(found.into_iter().map(BuildTarget::Output));
        }
    }
    if args.add_drv_link || args.drv_link.is_some() {
        if let Err(e) = session.commit() {
            let code = renderer.fail(&e);
            exit_with(code, session);
        }
        let name = args.drv_link.as_deref().unwrap_or("derivation");
        for (i, drv) in drvs.iter().enumerate() {
            if let Err(e) = session.add_root(name, i + 1, drv) {
                let code = renderer.fail(&e);
                exit_with(code, session);
            }
        }
    }
    if args.dry_run {
        let code = match session.plan(&targets) {
            Ok(missing) => {
                print_plan(&missing);
                0
            }
            Err(e) => renderer.fail(&e),
        };
        exit_with(code, session);
    }
    let settings = session.settings();
    let mut no_sandbox = !settings.bool("sandbox");
    if no_sandbox
        && settings.source("sandbox") != Some(ntop_driver::settings::COMMAND_LINE)
        && !session.store_at_logical_dir()
    {
        // A `nix.conf` written for Nix turns the sandbox off; ntop's store is elsewhere than
        // its logical directory, where builds cannot run without it.
        eprintln!(
            "warning: ignoring 'sandbox = false' from {}: ntop's store is not at its logical \
             directory, so builds run in the sandbox",
            settings.source("sandbox").unwrap_or("a configuration file")
        );
        no_sandbox = false;
    }
    let usize_setting = |name: &str| {
        settings
            .int(name)
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
    };
    // What was set, else the table's default (Nix's numbers); a value beyond the ids that
    // exist is the largest.
    let u32_setting = |name: &str| {
        let value: u64 = settings.get(name).parse().unwrap_or(0);
        u32::try_from(value).unwrap_or(u32::MAX)
    };
    let options = BuildOptions {
        jobs: usize_setting("max-jobs"),
        // `cores = 0` is every core, as in Nix.
        cores: usize_setting("cores").filter(|&n| n > 0),
        timeout: settings.int("timeout"),
        max_silent_time: settings.int("max-silent-time"),
        user_pool: Some(ntop_driver::UserPool {
            start_id: u32_setting("start-id"),
            id_count: u32_setting("id-count"),
        }),
        no_build_users: !settings.bool("auto-allocate-uids"),
        memory_limit: settings.int("build-memory-limit"),
        max_processes: settings.int("build-max-processes"),
        keep_failed: settings.bool("keep-failed"),
        keep_going: settings.bool("keep-going"),
        no_sandbox,
        out_link: (!args.no_out_link).then(|| args.out_link.clone()),
    };
    let progress = Progress::new(args.print_logs && !common.quiet);
    let report = session.build(&targets, &options, &progress);
    progress.finish();
    let report = match report {
        Ok(report) => report,
        Err(e) => {
            let code = renderer.fail(&e);
            exit_with(code, session);
        }
    };
    for output in &report.outputs {
        println!("{}", output.path);
    }
    if let (Some(store), Some(first)) = (session.relocated_store(), report.outputs.first()) {
        eprintln!("{}", relocation_hint(&args, &store, &first.path));
    }
    let code = renderer.report(&report.failures);
    // The result links exist: the session's garbage-collector lock may go with it.
    exit_with(code, session)
}

/// How to use outputs of a store kept elsewhere than its logical directory: the links and
/// scripts inside them name the logical paths, which exist only under `ntop run`/`ntop
/// shell`.
fn relocation_hint(args: &BuildArgs, store: &RelocatedStore, path: &str) -> String {
    let file = args
        .paths
        .iter()
        .map(|p| p.to_string_lossy())
        .find(|p| !p.ends_with(".drv") && !p.contains(".drv!"));
    let mut text = format!(
        "note: this store keeps its objects in '{}', not in '{}'; the paths inside the \
         result refer to '{}', where only 'ntop run' and 'ntop shell' show the store:",
        store.objects.display(),
        store.store_dir,
        store.store_dir
    );
    if let Some(file) = file {
        let attrs: String = args
            .common
            .attr
            .iter()
            .map(|a| format!(" -A {a}"))
            .collect();
        text.push_str(&format!(
            "\n  ntop run {file}{attrs} -- ls {path}\n  ntop shell {file}{attrs}"
        ));
    }
    text
}

/// What `nix-build --dry-run` prints on standard error.
fn print_plan(missing: &[String]) {
    match missing.len() {
        0 => {}
        1 => eprintln!("this derivation will be built:"),
        n => eprintln!("these {n} derivations will be built:"),
    }
    for drv in missing {
        eprintln!("  {drv}");
    }
}

/// Progress: an indicatif bar on a terminal, plain lines otherwise; `-L` streams logs.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    print_logs: bool,
    running: Mutex<BTreeMap<String, ()>>,
}

impl Progress {
    pub(crate) fn new(print_logs: bool) -> Progress {
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
            running: Mutex::new(BTreeMap::new()),
        }
    }

    pub(crate) fn finish(&self) {
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
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let names: Vec<&str> = running.keys().map(String::as_str).collect();
        bar.set_message(format!("building {}", names.join(", ")));
    }
}

impl BuildObserver for Progress {
    fn event(&self, event: BuildEvent<'_>) {
        match event {
            BuildEvent::Planned { to_build } => {
                if let Some(bar) = &self.bar {
                    bar.set_length(to_build as u64);
                }
                if self.bar.is_none() && to_build > 0 {
                    eprintln!("these {to_build} derivations will be built:");
                }
            }
            BuildEvent::Started { name, drv } => {
                self.running
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(name.to_owned(), ());
                if self.bar.is_none() {
                    eprintln!("building '{drv}'...");
                }
                self.update();
            }
            BuildEvent::Log { name, line } => {
                if self.print_logs {
                    self.line(&format!("{name}> {}", String::from_utf8_lossy(line)));
                }
            }
            BuildEvent::Finished { name } => {
                self.running
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(name);
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
                self.update();
            }
        }
    }
}

//! `ntop run` and `ntop shell`: build a file's selected outputs (as `ntop build` does, without
//! result links), then run a command where the store is at its logical directory, the
//! outputs' `bin` directories first on `PATH`. The exit status is the command's.

use ntop_driver::settings::Settings;
use ntop_driver::{Access, BuildOptions, BuildTarget, BuiltOutput, Input, Session};

use crate::args::{RunTargetArgs, ShellArgs};
use crate::evaluate::request;
use crate::options::{exit_with, prepare, session_options, watchdog};
use crate::realise::Progress;
use crate::render::Renderer;

pub fn run(target: RunTargetArgs, command: Vec<String>) -> i32 {
    let (settings, renderer) = match prepare(&target.common) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let (session, outputs) = match build(&target, &renderer, settings) {
        Ok(built) => built,
        Err(failed) => {
            let (code, session) = *failed;
            exit_with(code, session)
        }
    };
    let code = match session.run_in_store(&outputs, &command) {
        Ok(code) => code,
        Err(e) => renderer.fail(&e),
    };
    exit_with(code, session)
}

pub fn shell(args: ShellArgs) -> i32 {
    let command = if args.command.is_empty() {
        vec![std::env::var("SHELL")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/bin/sh".to_owned())]
    } else {
        args.command
    };
    run(args.target, command)
}

/// A command that failed before running: its exit status (errors already rendered) and the
/// session, closed by `exit_with`.
type Failed = (i32, Session);

/// Evaluates and builds; on failure, the exit code (errors already rendered).
fn build(
    target: &RunTargetArgs,
    renderer: &Renderer,
    settings: Settings,
) -> Result<(Session, Vec<BuiltOutput>), Box<Failed>> {
    let common = &target.common;
    let mut session = Session::open(session_options(common, Access::ReadWrite, settings));
    let mut found = Vec::new();
    {
        let _watchdog = watchdog(common);
        let request = request(common, vec![Input::File(target.file.clone().into())], true);
        if let Err(e) = session.instantiate(&request, &mut found) {
            return Err(Box::new((renderer.fail(&e), session)));
        }
    }
    let targets: Vec<BuildTarget> = found.into_iter().map(BuildTarget::Output).collect();
    let options = BuildOptions {
        jobs: target.jobs,
        no_sandbox: target.no_sandbox,
        out_link: None,
        ..BuildOptions::default()
    };
    let progress = Progress::new(target.print_logs);
    let report = session.build(&targets, &options, &progress);
    progress.finish();
    match report {
        Ok(report) if report.failures.is_empty() => Ok((session, report.outputs)),
        Ok(report) => Err(Box::new((renderer.report(&report.failures), session))),
        Err(e) => Err(Box::new((renderer.fail(&e), session))),
    }
}

//! `ntop run` and `ntop shell`: a command run over outputs the session built, with the store
//! seen at its logical directory.
//!
//! A store kept elsewhere than its logical directory (ntop's own, under `$XDG_DATA_HOME`)
//! holds trees whose links and scripts name `/nix/store/…`. The command runs where they
//! resolve: in a mount namespace in which the store's objects are mounted read-only at the
//! logical directory (`ntop_builder::StoreView`; through an unprivileged user namespace when
//! not root). A store already at its logical directory needs none, and the command is run
//! as it is. The session holds the garbage-collector lock while the command runs, so nothing
//! it uses is collected meanwhile.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

use ntop_builder::StoreViewPlan;

use crate::error::{Error, Result};
use crate::realise::BuiltOutput;
use crate::session::{Environment, Session};

/// A store whose objects do not live at its logical directory.
#[derive(Clone, Debug)]
pub struct RelocatedStore {
    /// Where the objects are on this machine.
    pub objects: PathBuf,
    /// Where store paths say they are (`/nix/store`).
    pub store_dir: String,
}

impl Session {
    /// The session's store, when its objects are not at the logical store directory (so
    /// that the paths inside them resolve only under `ntop run`).
    pub fn relocated_store(&self) -> Option<RelocatedStore> {
        let store = self.local_store("ntop run").ok()?;
        (!store.objects_at_store_dir()).then(|| RelocatedStore {
            objects: store.objects_dir(),
            store_dir: store.store_dir().as_str().to_owned(),
        })
    }

    /// Runs `argv` (program and arguments) with the store at its logical directory and the
    /// `bin` directories of `outputs` first on `PATH`; returns the command's exit code
    /// (128 + signal if a signal ended it).
    pub fn run_in_store(&self, outputs: &[BuiltOutput], argv: &[String]) -> Result<i32> {
        let store = self.local_store("ntop run and ntop shell")?;
        let Some((program, args)) = argv.split_first() else {
            return Err(Error::request("driver::run", "no command to run"));
        };
        let mut path: Vec<OsString> = Vec::new();
        for output in outputs {
            let bin = format!("{}/bin", output.path);
            if store.to_physical(&bin).is_some_and(|p| p.is_dir()) {
                path.push(bin.into());
            }
        }
        if let Some(old) = self.env.get("PATH") {
            path.push(old.into());
        }
        let mut cmd = Command::new(program);
        cmd.args(args).current_dir(&self.cwd);
        if let Environment::Vars(vars) = &self.env {
            cmd.env_clear().envs(vars.iter());
        }
        if !path.is_empty() {
            cmd.env("PATH", path.join(std::ffi::OsStr::new(":")));
        }
        let failed = |e: std::io::Error| {
            Error::request("driver::run", format!("cannot run '{program}': {e}"))
        };
        if store.objects_at_store_dir() {
            return cmd
                .status()
                .map(|s| {
                    use std::os::unix::process::ExitStatusExt;
                    s.code()
                        .or_else(|| s.signal().map(|n| 128 + n))
                        .unwrap_or(1)
                })
                .map_err(failed);
        }
        let scratch = store.chroot_path(&format!("run-{}", std::process::id()));
        let view = ntop_builder::prepare_store_view(&StoreViewPlan {
            objects: &store.objects_dir(),
            store_dir: store.store_dir().as_str(),
            scratch: &scratch,
        })?;
        view.run(cmd).map_err(failed)
    }
}

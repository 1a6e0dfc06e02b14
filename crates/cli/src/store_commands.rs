//! The store commands that do not evaluate: `ntop store verify|gc`, `ntop path-info`,
//! `ntop log`, `ntop show-derivation`.

use std::io::Write as _;

use ntop_driver::StoreHandle;

use crate::args::{LogArgs, PathInfoArgs, ShowDerivationArgs, StoreCmdArgs, StoreCommand};
use crate::options::store_options;
use crate::render::Renderer;

/// `ntop store verify` and `ntop store gc`.
pub fn store(args: StoreCmdArgs) -> i32 {
    match args.command {
        StoreCommand::Verify(a) => {
            let renderer = Renderer::new(a.report.color, a.report.error_format, false);
            let summary =
                StoreHandle::open(&store_options(&a.store), true).and_then(|s| s.verify());
            match summary {
                Ok(summary) => {
                    let code = renderer.report(&summary.problems);
                    eprintln!(
                        "checked {} paths, {} problems",
                        summary.checked,
                        summary.problems.len()
                    );
                    code
                }
                Err(e) => renderer.fail(&e),
            }
        }
        StoreCommand::Gc(a) => {
            let renderer = Renderer::new(a.report.color, a.report.error_format, false);
            match StoreHandle::open(&store_options(&a.store), true).and_then(|s| s.gc()) {
                Ok(summary) => {
                    for p in &summary.deleted {
                        eprintln!("deleting '{p}'");
                    }
                    println!(
                        "{} store paths deleted, {:.2} MiB freed",
                        summary.deleted.len(),
                        summary.bytes_freed as f64 / (1024.0 * 1024.0)
                    );
                    0
                }
                Err(e) => renderer.fail(&e),
            }
        }
    }
}

/// `ntop log PATH`: the build log of a derivation, or of the derivation that built a path.
pub fn log(args: LogArgs) -> i32 {
    let renderer = Renderer::new(args.report.color, args.report.error_format, false);
    match StoreHandle::open(&store_options(&args.store), true).and_then(|s| s.log(&args.path)) {
        Ok(bytes) => {
            let _ = std::io::stdout().write_all(&bytes);
            0
        }
        Err(e) => renderer.fail(&e),
    }
}

/// `ntop path-info PATH…`: NAR size, closure size and references.
pub fn path_info(args: PathInfoArgs) -> i32 {
    let renderer = Renderer::new(args.report.color, args.report.error_format, false);
    let store = match StoreHandle::open(&store_options(&args.store), true) {
        Ok(s) => s,
        Err(e) => return renderer.fail(&e),
    };
    for arg in &args.paths {
        let info = match store.path_info(arg) {
            Ok(info) => info,
            Err(e) => return renderer.fail(&e),
        };
        println!("{}", info.path);
        println!("  NAR hash:     {}", info.nar_hash);
        println!("  NAR size:     {}", info.nar_size);
        println!(
            "  closure size: {} ({} paths)",
            info.closure_size, info.closure_paths
        );
        if let Some(d) = &info.deriver {
            println!("  deriver:      {d}");
        }
        println!("  references:");
        for r in &info.references {
            println!("    {r}");
        }
    }
    0
}

/// `ntop show-derivation PATH…`: the derivations as `nix show-derivation` prints them.
pub fn show_derivation(args: ShowDerivationArgs) -> i32 {
    let renderer = Renderer::new(args.report.color, args.report.error_format, false);
    let json = StoreHandle::open(&store_options(&args.common), false)
        .and_then(|s| s.show_derivations(&args.paths, args.recursive));
    match json {
        Ok(json) => {
            let _ = std::io::stdout().write_all(&json);
            0
        }
        Err(e) => renderer.fail(&e),
    }
}

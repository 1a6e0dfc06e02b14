//! Command-line arguments: clap's derive, after Nix's settings flags were turned into
//! `--option` pairs ([`settings_as_options`]).

use std::ffi::OsString;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(name = "ntop", version, about = "A Nix evaluator and builder", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Evaluate a file or expression and print the result (nix-instantiate compatible flags).
    Instantiate(InstantiateArgs),
    /// Evaluate a file or expression and print the value (strict by default).
    Eval(EvalArgs),
    /// Explain one option of a NixOS-style configuration: declaration, definitions, value.
    Explain(ExplainArgs),
    /// Print derivations in the store as JSON (as `nix show-derivation`).
    ShowDerivation(ShowDerivationArgs),
    /// Build derivations (`.drv` paths, or Nix files to instantiate) and link their outputs.
    Build(BuildArgs),
    /// Build a Nix file's outputs and run a command where the store is at `/nix/store`.
    Run(RunArgs),
    /// Build a Nix file's outputs and start a shell (or a command) with their `bin`
    /// directories on `PATH`, where the store is at `/nix/store`.
    Shell(ShellArgs),
    /// Print the build log of a derivation or of the path it built.
    Log(LogArgs),
    /// Store maintenance: `verify`, `gc`.
    Store(StoreCmdArgs),
    /// Show a valid path's NAR size, closure size and references.
    PathInfo(PathInfoArgs),
    /// Check files without evaluating them: syntax, scopes and lints.
    Check(CheckArgs),
    /// Run the language server (LSP over standard input and output).
    Lsp(LspArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    Human,
    Json,
}

/// How a command reports its errors (every command has these).
#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// Colour in diagnostics.
    #[arg(long = "color", value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// How errors are reported.
    #[arg(long = "error-format", value_enum, default_value = "human")]
    pub error_format: ErrorFormat,
}

/// Options shared by every evaluating command.
#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// Add a search path entry (`name=path` or `path`) for `<…>` lookups.
    #[arg(short = 'I', long = "include", value_name = "PATH")]
    pub include: Vec<String>,
    /// Pass `--arg NAME EXPR` to a top-level function.
    #[arg(long = "arg", num_args = 2, value_names = ["NAME", "EXPR"], action = clap::ArgAction::Append)]
    pub arg: Vec<String>,
    /// Pass `--argstr NAME STRING` to a top-level function.
    /// The strings are the arguments' bytes, as Nix passes them.
    #[arg(long = "argstr", num_args = 2, value_names = ["NAME", "STRING"], action = clap::ArgAction::Append)]
    pub argstr: Vec<OsString>,
    /// Select an attribute from the top-level value (repeatable).
    #[arg(short = 'A', long = "attr", value_name = "ATTRPATH")]
    pub attr: Vec<String>,
    /// Set a Nix setting (`--option NAME VALUE`). Every setting also has Nix's long forms:
    /// `--NAME VALUE`, `--NAME`/`--no-NAME` for Booleans (`--show-trace`, `--pure-eval`,
    /// `--no-sandbox`), `--extra-NAME VALUE` for lists; they become `--option` pairs.
    #[arg(long = "option", num_args = 2, value_names = ["NAME", "VALUE"], action = clap::ArgAction::Append)]
    pub option: Vec<String>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Give up evaluating after this many seconds (Nix's `--timeout` is the builds' setting).
    #[arg(long = "eval-timeout", value_name = "SECONDS")]
    pub eval_timeout: Option<u64>,
    /// More output on standard error (repeatable); accepted as Nix accepts it.
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Quiet: no build output (`--no-build-output`), as Nix's `-Q`.
    #[arg(short = 'Q', long = "no-build-output")]
    pub quiet: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Where the store is.
#[derive(Args, Debug, Clone, Default)]
pub struct StoreArgs {
    /// The store's root directory (a path: absolute, `./…`, `~/…`) or `auto` (ntop's own
    /// store: `$NTOP_STORE`, else `$XDG_DATA_HOME/ntop`, else `~/.local/share/ntop`);
    /// objects live in its `store/` directory. Default: the `store` setting, else
    /// `$NIX_REMOTE`, else `auto`. Other stores (`daemon`, `local`, `ssh://…`) are refused.
    #[arg(long = "store", value_name = "DIR")]
    pub store: Option<String>,
    /// The logical store directory that store paths are computed with (default `/nix/store`).
    #[arg(long = "store-dir", value_name = "DIR")]
    pub store_dir: Option<String>,
    /// Compute store paths without writing anything.
    #[arg(long = "readonly-mode")]
    pub readonly_mode: bool,
}

#[derive(Args, Debug)]
#[command(args_override_self = true)]
pub struct InstantiateArgs {
    /// Files to evaluate (`-` for standard input), or expressions with `-E`.
    pub files: Vec<OsString>,
    /// Treat the arguments as expressions rather than files.
    #[arg(short = 'E', long = "expr")]
    pub expr: bool,
    /// Evaluate only; print the value instead of instantiating derivations.
    #[arg(long = "eval", visible_alias = "eval-only")]
    pub eval: bool,
    /// Evaluate the result completely before printing.
    #[arg(long = "strict")]
    pub strict: bool,
    /// Print the result as JSON.
    #[arg(long = "json")]
    pub json: bool,
    /// Print the result as XML.
    #[arg(long = "xml")]
    pub xml: bool,
    /// Omit the source positions from `--xml` output.
    #[arg(long = "no-location")]
    pub no_location: bool,
    /// Print the paths the arguments name in the search path (`nixpkgs/lib`), as
    /// `nix-instantiate --find-file` does.
    #[arg(long = "find-file")]
    pub find_file: bool,
    /// Parse only and print the parsed expression.
    #[arg(long = "parse")]
    pub parse: bool,
    /// Accepted for compatibility: ntop's evaluation may always write to its store.
    #[arg(long = "read-write-mode")]
    pub read_write_mode: bool,
    /// Register the result as a garbage-collector root at this path.
    #[arg(long = "add-root", value_name = "PATH")]
    pub add_root: Option<String>,
    /// Accepted for compatibility with `--add-root` (roots are always symlinks).
    #[arg(long = "indirect")]
    pub indirect: bool,
    /// Compute store paths without writing anything.
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct ShowDerivationArgs {
    /// `.drv` store paths (logical, or their files under the store root).
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Also show the derivations they depend on.
    #[arg(short = 'r', long = "recursive")]
    pub recursive: bool,
    #[command(flatten)]
    pub common: StoreArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// The file to evaluate.
    pub file: Option<OsString>,
    /// Evaluate this expression instead of a file.
    #[arg(long = "expr", short = 'E', value_name = "EXPR")]
    pub expr: Option<String>,
    /// Print the result as JSON.
    #[arg(long = "json")]
    pub json: bool,
    /// Print without forcing nested values (as `nix-instantiate --eval` without `--strict`).
    #[arg(long = "lazy")]
    pub lazy: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The files to check (`-` for standard input).
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Colour in diagnostics.
    #[arg(long = "color", value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// How findings are reported.
    #[arg(long = "error-format", value_enum, default_value = "human")]
    pub error_format: ErrorFormat,
}

#[derive(Args, Debug)]
pub struct LspArgs {
    /// Accepted for editors that pass it: the server always speaks over stdio.
    #[arg(long = "stdio")]
    pub stdio: bool,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The configuration: a NixOS-style module, evaluated against the mini-NixOS.
    pub file: String,
    /// The option, as a dotted path (`services.openssh.ports`).
    pub option: String,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// `.drv` store paths (`DRV!OUTPUT,…` for some outputs), or Nix files to instantiate and
    /// build (none: `./default.nix`), or expressions with `-E`.
    pub paths: Vec<OsString>,
    /// Treat the arguments as expressions rather than files.
    #[arg(short = 'E', long = "expr")]
    pub expr: bool,
    /// Print what would be built, build nothing.
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// Build again the outputs that are already valid and compare the results.
    #[arg(long = "check")]
    pub check: bool,
    /// Make a symlink `derivation` (`-2`…) to each store derivation, a garbage-collector root
    /// (the Nix manual's `nix-build --add-drv-link`).
    #[arg(long = "add-drv-link")]
    pub add_drv_link: bool,
    /// The name of the `--add-drv-link` symlinks (implies it).
    #[arg(long = "drv-link", value_name = "NAME")]
    pub drv_link: Option<String>,
    /// The name of the result link (`result`, then `result-2`…, `result-<output>`).
    #[arg(short = 'o', long = "out-link", default_value = "result")]
    pub out_link: String,
    /// Make no result links (and so no garbage-collector roots).
    #[arg(long = "no-out-link")]
    pub no_out_link: bool,
    /// Show the builders' output, each line prefixed with the derivation's name.
    #[arg(short = 'L', long = "print-build-logs")]
    pub print_logs: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// What `ntop run` and `ntop shell` build, and how.
#[derive(Args, Debug)]
pub struct RunTargetArgs {
    /// The Nix file (a NixOS-style module builds `system.build.toplevel` unless `-A` says
    /// otherwise).
    pub file: String,
    /// Run at most this many builds at once (default: the number of cores).
    #[arg(short = 'j', long = "max-jobs", value_name = "N")]
    pub jobs: Option<usize>,
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
pub struct RunArgs {
    #[command(flatten)]
    pub target: RunTargetArgs,
    /// The command and its arguments, after `--`. The selected outputs' `bin` directories
    /// come first on its `PATH`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Args, Debug)]
pub struct ShellArgs {
    #[command(flatten)]
    pub target: RunTargetArgs,
    /// The command to run instead of `$SHELL` (else `/bin/sh`), after `--`.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Args, Debug)]
pub struct LogArgs {
    /// A `.drv` path or an output path.
    pub path: String,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Args, Debug)]
pub struct PathInfoArgs {
    /// Store paths (logical, or their files under the store root).
    #[arg(required = true)]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Args, Debug)]
pub struct StoreCmdArgs {
    #[command(subcommand)]
    pub command: StoreCommand,
}

/// The options of a store maintenance command.
#[derive(Args, Debug)]
pub struct MaintenanceArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Subcommand, Debug)]
pub enum StoreCommand {
    /// Re-hash every valid path and compare with the database.
    Verify(MaintenanceArgs),
    /// Delete every store path not reachable from a garbage-collector root.
    Gc(MaintenanceArgs),
}

/// The flags of ntop's own that take values, and how many: their values are never taken for
/// settings flags.
const VALUE_FLAGS: &[(&str, usize)] = &[
    ("-I", 1),
    ("--include", 1),
    ("--arg", 2),
    ("--argstr", 2),
    ("-A", 1),
    ("--attr", 1),
    ("--option", 2),
    ("--store", 1),
    ("--store-dir", 1),
    ("--add-root", 1),
    ("-o", 1),
    ("--out-link", 1),
    ("--drv-link", 1),
    ("--color", 1),
    ("--error-format", 1),
    ("--eval-timeout", 1),
];

/// Rewrites Nix's command-line forms of settings into `--option NAME VALUE`, as Nix's own
/// argument parser treats them: `--NAME VALUE`, `--NAME` and `--no-NAME` for Booleans,
/// `--extra-NAME VALUE` for lists (the table in `ntop_driver::settings`), and the short
/// flags `-j N` (`max-jobs`), `-k` (`keep-going`), `-K` (`keep-failed`). Everything else, and
/// everything after `--`, is left to clap.
/// Arguments that are not UTF-8 are never flags, and are passed on as they are.
pub fn settings_as_options(argv: Vec<OsString>) -> Vec<OsString> {
    let mut out = Vec::with_capacity(argv.len());
    let mut args = argv.into_iter();
    let option = |out: &mut Vec<OsString>, name: &str, value: OsString| {
        out.extend(["--option".into(), name.into(), value]);
    };
    while let Some(os_arg) = args.next() {
        let Some(arg) = os_arg.to_str().map(str::to_owned) else {
            out.push(os_arg);
            continue;
        };
        if arg == "--" {
            out.push(os_arg);
            out.extend(args.by_ref());
            break;
        }
        if let Some(&(_, n)) = VALUE_FLAGS.iter().find(|(f, _)| *f == arg) {
            out.push(os_arg);
            out.extend(args.by_ref().take(n));
            continue;
        }
        match arg.as_str() {
            "-j" => {
                let value = args.next().unwrap_or_default();
                option(&mut out, "max-jobs", value);
                continue;
            }
            "-k" => {
                option(&mut out, "keep-going", "true".into());
                continue;
            }
            "-K" => {
                option(&mut out, "keep-failed", "true".into());
                continue;
            }
            _ => {}
        }
        let setting = arg.strip_prefix("--").and_then(ntop_driver::settings::flag);
        match setting {
            Some((name, Some(value))) => option(&mut out, &name, value.into()),
            Some((name, None)) => match args.next() {
                Some(value) => option(&mut out, &name, value),
                // Let clap say that the flag needs a value.
                None => out.push(os_arg),
            },
            None => out.push(os_arg),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::settings_as_options;

    fn rewrite(args: &[&str]) -> Vec<String> {
        settings_as_options(args.iter().map(|s| s.into()).collect())
            .into_iter()
            .map(|s| s.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn settings_flags_become_options() {
        assert_eq!(
            rewrite(&[
                "ntop",
                "--show-trace",
                "--no-sandbox",
                "--system",
                "x",
                "-j",
                "3"
            ]),
            [
                "ntop",
                "--option",
                "show-trace",
                "true",
                "--option",
                "sandbox",
                "false",
                "--option",
                "system",
                "x",
                "--option",
                "max-jobs",
                "3"
            ]
        );
        assert_eq!(
            rewrite(&[
                "ntop",
                "--extra-experimental-features",
                "flakes",
                "--impure"
            ]),
            [
                "ntop",
                "--option",
                "extra-experimental-features",
                "flakes",
                "--option",
                "pure-eval",
                "false"
            ]
        );
    }

    #[test]
    fn values_of_other_flags_are_left_alone() {
        let args = [
            "ntop",
            "--arg",
            "sandbox",
            "--sandbox",
            "-A",
            "--cores",
            "--",
            "--cores",
        ];
        assert_eq!(rewrite(&args), args);
        assert_eq!(rewrite(&["ntop", "--foo"]), ["ntop", "--foo"]);
    }
}

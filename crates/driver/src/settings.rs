//! Nix's settings: one table ([`TABLE`]) of every setting Nix 2.8 knows (and the few newer
//! ones ntop honours), its type, Nix's default and what ntop does with it; and their sources,
//! in Nix's order — `$NIX_CONF_DIR/nix.conf`, the user's `nix.conf` files, `NIX_CONFIG`, then
//! the command line (`--option NAME VALUE`, `--NAME VALUE`, `--NAME`/`--no-NAME`,
//! `--extra-NAME VALUE`, which the CLI turns into `--option` pairs).
//!
//! A setting is never silently ignored: ntop either honours it ([`Support::Honoured`]), or
//! behaves as with one fixed value, and a different value is refused with an error
//! ([`Support::Refused`], where ignoring it would change what an evaluation means: pure or
//! restricted evaluation) or warned about ([`Support::Inert`]: substitution, remote builds,
//! signatures, the daemon — facilities ntop does not have). Unknown settings and malformed
//! values are warnings with Nix's messages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::session::Environment;

/// The type of a setting's value, which decides how it is parsed and which command-line
/// forms it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// `true`/`false`; `--NAME` and `--no-NAME` on the command line.
    Bool,
    /// A non-negative integer.
    Int,
    /// An integer or `auto` (`max-jobs`).
    IntOrAuto,
    /// Any text.
    Str,
    /// Whitespace-separated words; `extra-NAME` appends.
    List,
}

/// What ntop does with a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    Honoured,
    /// ntop always behaves as with this value; setting another is an error.
    Refused(&'static str),
    /// ntop always behaves as with this value (the facility is absent from ntop); setting
    /// another is warned about.
    Inert(&'static str),
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub struct Setting {
    pub name: &'static str,
    pub ty: Type,
    /// Nix's default, as `nix show-config` prints it (machine-dependent defaults: ntop's).
    pub default: &'static str,
    pub support: Support,
}

const fn s(name: &'static str, ty: Type, default: &'static str, support: Support) -> Setting {
    Setting {
        name,
        ty,
        default,
        support,
    }
}

use Support::{Honoured, Inert, Refused};
use Type::{Bool, Int, IntOrAuto, List, Str};

/// Every setting of Nix 2.8 (`nix show-config`), plus the newer ones ntop honours, each cited.
pub const TABLE: &[Setting] = &[
    s("abort-on-warn", Bool, "false", Honoured), // Nix 2.23 manual, "abort-on-warn"
    s("accept-flake-config", Bool, "false", Inert("false")),
    s("access-tokens", Str, "", Inert("")),
    s("allow-dirty", Bool, "true", Inert("true")),
    // ntop never builds during evaluation: importing from a derivation fails either way.
    s("allow-import-from-derivation", Bool, "true", Inert("false")),
    s("allow-new-privileges", Bool, "false", Inert("false")),
    s("allow-symlinked-store", Bool, "false", Inert("false")),
    s(
        "allow-unsafe-native-code-during-evaluation",
        Bool,
        "false",
        Refused("false"),
    ),
    s("allowed-impure-host-deps", List, "", Inert("")),
    s("allowed-uris", List, "", Inert("")),
    s("allowed-users", List, "*", Inert("*")),
    // Nix 2.13 manual, "auto-allocate-uids" (default false there, behind an experimental
    // feature): ntop's builds run by root always take build users from the pool unless set
    // to false (crates/builder/src/userpool.rs).
    s("auto-allocate-uids", Bool, "true", Honoured),
    s("auto-optimise-store", Bool, "false", Inert("false")),
    s("bash-prompt", Str, "", Inert("")),
    s("bash-prompt-suffix", Str, "", Inert("")),
    s("build-hook", Str, "", Inert("")),
    // ntop's own (no Nix version has them): per-build limits, 0 = none (docs/builder.md).
    s("build-max-processes", Int, "0", Honoured),
    s("build-memory-limit", Int, "0", Honoured),
    s("build-poll-interval", Int, "5", Inert("5")),
    s("build-users-group", Str, "", Inert("")),
    s("builders", Str, "", Inert("")),
    s("builders-use-substitutes", Bool, "false", Inert("false")),
    s("commit-lockfile-summary", Str, "", Inert("")),
    s("compress-build-log", Bool, "true", Inert("false")),
    s("connect-timeout", Int, "0", Inert("0")),
    s("cores", Int, "0", Honoured),
    s("diff-hook", Str, "", Inert("")),
    s("download-attempts", Int, "5", Inert("5")),
    s("enforce-determinism", Bool, "true", Inert("true")),
    s("eval-cache", Bool, "true", Inert("true")),
    s("experimental-features", List, "", Honoured),
    s("extra-platforms", List, "", Inert("")),
    s("fallback", Bool, "false", Inert("false")),
    s("filter-syscalls", Bool, "true", Inert("true")),
    s("flake-registry", Str, "", Inert("")),
    s("fsync-metadata", Bool, "true", Inert("true")),
    s("gc-reserved-space", Int, "8388608", Inert("8388608")),
    s("hashed-mirrors", List, "", Inert("")),
    s("http-connections", Int, "25", Inert("25")),
    s("http2", Bool, "true", Inert("true")),
    s("id-count", Int, "8388608", Honoured), // Nix 2.13 manual, "id-count"
    s("ignored-acls", List, "", Inert("")),
    s("impersonate-linux-26", Bool, "false", Inert("false")),
    s("keep-build-log", Bool, "true", Inert("true")),
    s("keep-derivations", Bool, "true", Inert("true")),
    s("keep-env-derivations", Bool, "false", Inert("false")),
    s("keep-failed", Bool, "false", Honoured),
    s("keep-going", Bool, "false", Honoured),
    s("keep-outputs", Bool, "false", Inert("false")),
    s("log-lines", Int, "10", Inert("10")),
    s("max-build-log-size", Int, "0", Inert("0")),
    // Nix 2.20 manual, "max-call-depth": ntop counts nested evaluations, which include calls;
    // its default is ntop's (ntop_eval::DEFAULT_MAX_DEPTH, docs/performance.md).
    s("max-call-depth", Int, "200000", Honoured),
    s(
        "max-free",
        Int,
        "18446744073709551615",
        Inert("18446744073709551615"),
    ),
    s("max-jobs", IntOrAuto, "1", Honoured),
    s("max-silent-time", Int, "0", Honoured), // the builder's watchdog
    // ntop's own (no Nix has it): the most bytes of file contents that unpacking one archive
    // (`fetchTarball`, `fetchTree`) writes, 0 for no limit; see docs/architecture.md.
    s("max-unpacked-size", Int, "1073741824", Honoured),
    s("min-free", Int, "0", Inert("0")),
    s("min-free-check-interval", Int, "5", Inert("5")),
    s("nar-buffer-size", Int, "33554432", Inert("33554432")),
    s("narinfo-cache-negative-ttl", Int, "3600", Inert("3600")),
    s(
        "narinfo-cache-positive-ttl",
        Int,
        "2592000",
        Inert("2592000"),
    ),
    s("netrc-file", Str, "", Inert("")),
    s("nix-path", List, "", Honoured),
    s("plugin-files", List, "", Refused("")),
    s("post-build-hook", Str, "", Refused("")),
    s("pre-build-hook", Str, "", Refused("")),
    s("preallocate-contents", Bool, "false", Inert("false")),
    s("print-missing", Bool, "true", Inert("true")),
    s("pure-eval", Bool, "false", Refused("false")),
    s("repeat", Int, "0", Refused("0")),
    s("require-sigs", Bool, "true", Inert("true")),
    s("restrict-eval", Bool, "false", Refused("false")),
    s("run-diff-hook", Bool, "false", Inert("false")),
    s("sandbox", Bool, "true", Honoured),
    s("sandbox-build-dir", Str, "/build", Inert("/build")),
    s("sandbox-dev-shm-size", Str, "50%", Inert("50%")),
    s("sandbox-fallback", Bool, "true", Inert("true")),
    s("sandbox-paths", List, "", Refused("")),
    s("secret-key-files", List, "", Inert("")),
    s("show-trace", Bool, "false", Honoured),
    s("stalled-download-timeout", Int, "300", Inert("300")),
    s("start-id", Int, "872415232", Honoured), // Nix 2.13 manual, "start-id"
    s("store", Str, "auto", Honoured),         // read by SessionOptions::store_location
    s("substitute", Bool, "true", Inert("false")),
    s("substituters", List, "https://cache.nixos.org/", Inert("")),
    s("sync-before-registering", Bool, "false", Inert("true")),
    s("system", Str, "", Honoured),
    s("system-features", List, "", Inert("")),
    s("tarball-ttl", Int, "3600", Inert("3600")),
    s("timeout", Int, "0", Honoured), // the builder's watchdog
    s("trace-function-calls", Bool, "false", Refused("false")),
    s("trace-verbose", Bool, "false", Honoured), // Nix 2.10 manual, "trace-verbose"
    s("trusted-public-keys", List, "", Inert("")),
    s("trusted-substituters", List, "", Inert("")),
    s("trusted-users", List, "root", Inert("root")),
    s("use-case-hack", Bool, "false", Inert("false")),
    s("use-registries", Bool, "true", Inert("true")),
    s("use-sqlite-wal", Bool, "true", Inert("true")),
    s("user-agent-suffix", Str, "", Inert("")),
    s("warn-dirty", Bool, "true", Inert("true")),
];

/// Nix 2.8's deprecated names, and the settings they stand for.
const ALIASES: &[(&str, &str)] = &[
    ("binary-cache-public-keys", "trusted-public-keys"),
    ("binary-caches", "substituters"),
    ("build-cores", "cores"),
    ("build-extra-chroot-dirs", "sandbox-paths"),
    ("build-extra-sandbox-paths", "sandbox-paths"),
    ("build-fallback", "fallback"),
    ("build-keep-log", "keep-build-log"),
    ("build-max-jobs", "max-jobs"),
    ("build-max-log-size", "max-build-log-size"),
    ("build-max-silent-time", "max-silent-time"),
    ("build-repeat", "repeat"),
    ("build-timeout", "timeout"),
    ("build-use-chroot", "sandbox"),
    ("build-use-sandbox", "sandbox"),
    ("build-use-substitutes", "substitute"),
    ("env-keep-derivations", "keep-env-derivations"),
    ("gc-keep-derivations", "keep-derivations"),
    ("gc-keep-outputs", "keep-outputs"),
    ("trusted-binary-caches", "trusted-substituters"),
];

/// The setting a name (or a deprecated alias of it) denotes.
pub fn lookup(name: &str) -> Option<&'static Setting> {
    let name = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, real)| real);
    TABLE.iter().find(|s| s.name == name)
}

/// A command-line flag `--FLAG` that stands for a setting, as `--option` pairs would say it:
/// `--NAME VALUE` (`None`: the value is the next argument), `--NAME`/`--no-NAME` for a
/// Boolean, `--extra-NAME VALUE` for a list; `--impure` is `--no-pure-eval`.
pub fn flag(flag: &str) -> Option<(String, Option<&'static str>)> {
    if flag == "impure" {
        return Some(("pure-eval".into(), Some("false")));
    }
    if let Some(setting) = lookup(flag) {
        return Some(match setting.ty {
            Bool => (flag.into(), Some("true")),
            _ => (flag.into(), None),
        });
    }
    if let Some(name) = flag.strip_prefix("no-") {
        if lookup(name).is_some_and(|s| s.ty == Bool) {
            return Some((name.into(), Some("false")));
        }
    }
    if let Some(name) = flag.strip_prefix("extra-") {
        if lookup(name).is_some_and(|s| s.ty == List) {
            return Some((flag.into(), None));
        }
    }
    None
}

/// The source of the settings given on the command line.
pub const COMMAND_LINE: &str = "the command line";

/// The settings in force, with where each explicitly set one came from.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The settings set by some source, as text (lists: words joined by one space).
    values: BTreeMap<&'static str, (String, String)>,
}

impl Settings {
    /// The settings of the configuration files, `NIX_CONFIG` and the command line's
    /// `--option` pairs, in that order (later ones win, `extra-` ones append). Unknown
    /// settings and malformed values are handed to `warn` with Nix's messages; a value ntop
    /// refuses is an error.
    pub fn resolve(
        env: &Environment,
        command_line: &[(String, String)],
        warn: &mut dyn FnMut(String),
    ) -> Result<Settings> {
        let mut settings = Settings::default();
        for file in conf_files(env) {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            settings.apply_conf(&text, &file, warn)?;
        }
        if let Some(text) = env.get("NIX_CONFIG") {
            settings.apply_conf(&text, Path::new("NIX_CONFIG"), warn)?;
        }
        for (name, value) in command_line {
            settings.set(name, value, COMMAND_LINE, warn);
        }
        settings.check(warn)?;
        Ok(settings)
    }

    /// A setting's value as text: what was set, else Nix's default.
    pub fn get(&self, name: &str) -> &str {
        match self.values.get(name) {
            Some((value, _)) => value,
            None => lookup(name).map_or("", |s| s.default),
        }
    }

    /// Where the setting was set: a file's name, `NIX_CONFIG` or [`COMMAND_LINE`].
    pub fn source(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(|(_, source)| source.as_str())
    }

    /// Whether some source set the setting.
    pub fn is_set(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// A Boolean setting's value.
    pub fn bool(&self, name: &str) -> bool {
        self.get(name) == "true"
    }

    /// An integer setting's value, when it was set (`auto`: the number of cores).
    pub fn int(&self, name: &str) -> Option<u64> {
        let value = self.values.get(name)?.0.as_str();
        if value == "auto" {
            return std::thread::available_parallelism()
                .ok()
                .map(|n| n.get() as u64);
        }
        value.parse().ok()
    }

    /// The settings that were set, for the evaluator's builtins that consult them.
    pub fn set_values(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.values.iter().map(|(k, (v, _))| (*k, v.as_str()))
    }

    /// Sets one setting (`--option`, or a line of a configuration file).
    pub fn set(&mut self, name: &str, value: &str, source: &str, warn: &mut dyn FnMut(String)) {
        let (append, base) = match name.strip_prefix("extra-") {
            Some(base) if lookup(base).is_some() => (true, base),
            _ => (false, name),
        };
        let Some(setting) = lookup(base) else {
            warn(format!("unknown setting '{name}'"));
            return;
        };
        if append && setting.ty != List {
            warn(format!("unknown setting '{name}'"));
            return;
        }
        let value = match setting.ty {
            List => value.split_whitespace().collect::<Vec<_>>().join(" "),
            _ => value.trim().to_owned(),
        };
        let invalid = match setting.ty {
            Bool if value != "true" && value != "false" => Some(format!(
                "Boolean setting '{}' has invalid value '{value}'",
                setting.name
            )),
            Int if value.parse::<u64>().is_err() => Some(format!(
                "configuration setting '{}' should be an integer",
                setting.name
            )),
            IntOrAuto if value != "auto" && value.parse::<u64>().is_err() => Some(format!(
                "configuration setting '{}' should be 'auto' or an integer",
                setting.name
            )),
            _ => None,
        };
        if let Some(message) = invalid {
            // Nix 2.8 reports a bad value as a warning and keeps the old one.
            warn(format!("error: {message}"));
            return;
        }
        let value = match (append, self.values.get(setting.name)) {
            (true, Some((old, _))) if !old.is_empty() && !value.is_empty() => {
                format!("{old} {value}")
            }
            (true, Some((old, _))) if value.is_empty() => old.clone(),
            _ => value,
        };
        self.values.insert(setting.name, (value, source.to_owned()));
    }

    /// Applies a `nix.conf` text: `NAME = VALUE` lines, `#` comments, `include FILE` and
    /// `!include FILE` (the latter silent when the file is missing), as Nix reads them.
    fn apply_conf(&mut self, text: &str, file: &Path, warn: &mut dyn FnMut(String)) -> Result<()> {
        let source = file.display().to_string();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            if let [directive @ ("include" | "!include"), included] = words[..] {
                let base = file.parent().unwrap_or(Path::new("/"));
                let path = base.join(included);
                match std::fs::read_to_string(&path) {
                    Ok(text) => self.apply_conf(&text, &path, warn)?,
                    Err(_) if directive == "!include" => {}
                    Err(_) => {
                        return Err(Error::request(
                            "settings::include",
                            format!(
                                "file '{}' included from '{source}' not found",
                                path.display()
                            ),
                        ))
                    }
                }
                continue;
            }
            let Some((name, value)) = line.split_once('=') else {
                return Err(Error::request(
                    "settings::syntax",
                    format!("illegal configuration line '{line}' in '{source}'"),
                ));
            };
            let name = name.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(Error::request(
                    "settings::syntax",
                    format!("illegal configuration line '{line}' in '{source}'"),
                ));
            }
            self.set(name, value, &source, warn);
        }
        Ok(())
    }

    /// Refuses the values ntop cannot honour and warns about those that have no effect.
    fn check(&self, warn: &mut dyn FnMut(String)) -> Result<()> {
        for (name, (value, source)) in &self.values {
            let Some(setting) = lookup(name) else {
                continue;
            };
            match setting.support {
                Honoured => {}
                Refused(only) if value != only => {
                    return Err(Error::request(
                        "settings::unsupported",
                        format!(
                            "ntop cannot honour the setting '{name} = {value}' (from {source}): it \
                             only runs as with '{name} = {only}'"
                        ),
                    ));
                }
                Inert(only) if value != only => {
                    warn(format!(
                        "ignoring the setting '{name} = {value}' (from {source}): ntop always \
                         behaves as with '{name} = {only}'"
                    ));
                }
                Refused(_) | Inert(_) => {}
            }
        }
        Ok(())
    }
}

/// The configuration files Nix 2.8 reads, in order: `$NIX_CONF_DIR/nix.conf` (default
/// `/etc/nix`), then the user's — `$NIX_USER_CONF_FILES` (colon-separated), else
/// `nix/nix.conf` in `$XDG_CONFIG_DIRS` (default `/etc/xdg`) and then `$XDG_CONFIG_HOME`
/// (default `~/.config`). Under [`Environment::Vars`] the system defaults (`/etc/…`) are not
/// read: only files the variables name.
fn conf_files(env: &Environment) -> Vec<PathBuf> {
    let process = matches!(env, Environment::Process);
    let nonempty = |name: &str| env.get(name).filter(|v| !v.is_empty());
    let mut files = Vec::new();
    match nonempty("NIX_CONF_DIR") {
        Some(dir) => files.push(PathBuf::from(dir).join("nix.conf")),
        None if process => files.push(PathBuf::from("/etc/nix/nix.conf")),
        None => {}
    }
    if let Some(list) = nonempty("NIX_USER_CONF_FILES") {
        // Nix applies them from the last to the first: the first wins.
        let mut user: Vec<_> = list.split(':').map(PathBuf::from).collect();
        user.reverse();
        files.extend(user);
        return files;
    }
    let mut dirs = Vec::new();
    match nonempty("XDG_CONFIG_HOME") {
        Some(dir) => dirs.push(PathBuf::from(dir)),
        None => {
            if let Some(home) = nonempty("HOME") {
                dirs.push(PathBuf::from(home).join(".config"));
            }
        }
    }
    match nonempty("XDG_CONFIG_DIRS") {
        Some(list) => dirs.extend(list.split(':').map(PathBuf::from)),
        None if process => dirs.push(PathBuf::from("/etc/xdg")),
        None => {}
    }
    files.extend(dirs.iter().rev().map(|d| d.join("nix/nix.conf")));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(env: &[(&str, &str)], cli: &[(&str, &str)]) -> (Result<Settings>, Vec<String>) {
        let env = Environment::vars(env.iter().copied());
        let cli: Vec<_> = cli
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let mut warnings = Vec::new();
        let r = Settings::resolve(&env, &cli, &mut |w| warnings.push(w));
        (r, warnings)
    }

    #[test]
    fn later_sources_win_and_extra_appends() {
        let dir = std::env::temp_dir().join(format!("ntop-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("nix.conf"),
            "# comment\nsystem = riscv64-linux\nexperimental-features = a  b # trailing\n!include missing.conf\n",
        )
        .unwrap();
        let conf_dir = dir.display().to_string();
        let (r, w) = resolve(
            &[
                ("NIX_CONF_DIR", &conf_dir),
                (
                    "NIX_CONFIG",
                    "extra-experimental-features = c\nmax-jobs = auto",
                ),
            ],
            &[
                ("system", "aarch64-linux"),
                ("extra-experimental-features", "d"),
            ],
        );
        let s = r.unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(s.get("system"), "aarch64-linux");
        assert_eq!(s.get("experimental-features"), "a b c d");
        assert!(s.int("max-jobs").is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn unknown_and_malformed_are_warnings_as_in_nix() {
        let (r, w) = resolve(
            &[],
            &[("foo", "bar"), ("pure-eval", "maybe"), ("cores", "x")],
        );
        assert!(r.is_ok());
        assert_eq!(
            w,
            [
                "unknown setting 'foo'",
                "error: Boolean setting 'pure-eval' has invalid value 'maybe'",
                "error: configuration setting 'cores' should be an integer",
            ]
        );
    }

    #[test]
    fn what_ntop_cannot_honour_is_refused_or_warned_about() {
        let (r, _) = resolve(&[], &[("pure-eval", "true")]);
        assert!(r.unwrap_err().to_string().contains("'pure-eval = true'"));
        let (r, _) = resolve(&[], &[("pure-eval", "false")]);
        assert!(r.is_ok());
        let (r, w) = resolve(&[], &[("substituters", "https://example.org")]);
        assert!(r.is_ok());
        assert_eq!(w.len(), 1, "{w:?}");
        // The empty list is what ntop does: no warning.
        let (_, w) = resolve(&[("NIX_CONFIG", "substituters =")], &[]);
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn a_malformed_line_is_an_error() {
        let (r, _) = resolve(&[("NIX_CONFIG", "just words")], &[]);
        assert!(r
            .unwrap_err()
            .to_string()
            .contains("illegal configuration line"));
    }

    #[test]
    fn flags_follow_the_setting_types() {
        assert_eq!(flag("pure-eval"), Some(("pure-eval".into(), Some("true"))));
        assert_eq!(flag("no-sandbox"), Some(("sandbox".into(), Some("false"))));
        assert_eq!(flag("impure"), Some(("pure-eval".into(), Some("false"))));
        assert_eq!(flag("system"), Some(("system".into(), None)));
        assert_eq!(
            flag("extra-experimental-features"),
            Some(("extra-experimental-features".into(), None))
        );
        assert_eq!(flag("extra-system"), None);
        assert_eq!(flag("no-system"), None);
        assert_eq!(flag("foo"), None);
    }
}

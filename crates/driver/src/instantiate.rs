//! Evaluating requests: `ntop instantiate` (nix-instantiate's), `ntop eval`, and the
//! evaluation half of `ntop build`. Inputs are loaded, modules evaluated against a
//! configuration, attribute paths followed with auto-calling, and the results turned into
//! data at once — printed values, or the derivation outputs they denote.
//!
//! All walking of values for these commands is in this file and `attr_path.rs`.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use ntop_eval::error::{EvalError, EvalResult};
use ntop_eval::print::{print_value_bytes, PrintMode};
use ntop_eval::source::{Origin, Span};
use ntop_eval::symbol::Symbol;
use ntop_eval::{sym, CoerceMode, Machine, Value};
use ntop_store::StorePath;

use crate::error::{Error, Result};
use crate::session::{Backend, Session};
use crate::{attr_path, modules, output};

/// One command-line input.
#[derive(Clone, Debug)]
pub enum Input {
    /// A file (relative to the session's directory), `<name>` from the search path, or `-`
    /// for standard input. A name is bytes, as the command line gives it.
    File(PathBuf),
    /// An expression (`-E`).
    Expr(String),
}

/// A `--arg NAME EXPR` (evaluated lazily) or `--argstr NAME STRING`.
#[derive(Clone, Debug)]
pub enum AutoArg {
    Expr(String),
    /// The bytes of the command-line argument, as Nix passes them.
    Str(Vec<u8>),
}

/// What to evaluate.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub inputs: Vec<Input>,
    /// Whether a file that is a NixOS-style module is evaluated as part of a configuration
    /// (`ntop eval`, `ntop build`) rather than as it is (`nix-instantiate`).
    pub modules: bool,
    /// `-A` paths; none selects the value itself (for a module: `system.build.toplevel`).
    pub attr_paths: Vec<String>,
    pub args: Vec<(String, AutoArg)>,
    /// Standard input, for an input `-`.
    pub stdin: Option<Vec<u8>>,
}

/// How values are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueFormat {
    /// Nix's own syntax (lazily printed unless `strict`).
    Nix { strict: bool },
    /// JSON, without a final newline (as Nix 2.8).
    Json { strict: bool },
    /// Nix's `--xml`, with source positions unless `location` is false (`--no-location`).
    Xml { strict: bool, location: bool },
}

/// One output of one derivation: what `nix-instantiate` prints as `DRV!OUTPUT` and what
/// `ntop build` builds and links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrvOutput {
    /// The `.drv` path, as printed (logical).
    pub drv: String,
    pub output: String,
    pub(crate) path: StorePath,
}

impl DrvOutput {
    /// `DRV` for the output `out`, `DRV!OUTPUT` otherwise (nix-instantiate's line).
    pub fn line(&self) -> String {
        if self.output == "out" {
            self.drv.clone()
        } else {
            format!("{}!{}", self.drv, self.output)
        }
    }
}

/// What `nix-instantiate` does with its inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstantiateMode {
    /// `--parse`: print the parsed expressions.
    Parse,
    /// `--eval`: print the values.
    Eval(ValueFormat),
    /// Write the derivations and print their `.drv` paths.
    Derivations,
}

impl InstantiateMode {
    /// The store access nix-instantiate has in this mode: writing derivations may write
    /// (unless `--dry-run`); evaluating and parsing are read-only unless
    /// `--read-write-mode`.
    pub fn access(self, read_write_mode: bool, dry_run: bool) -> crate::Access {
        let read_only = match self {
            InstantiateMode::Derivations => dry_run,
            _ => !read_write_mode,
        };
        if read_only {
            crate::Access::ReadOnly
        } else {
            crate::Access::ReadWrite
        }
    }
}

impl Session {
    /// `nix-instantiate`: runs the request in `mode` and appends what nix-instantiate prints
    /// to `out` (also what was printed before an error). Derivations are committed (durable
    /// and valid) before their paths are printed; `add_root` makes each a root
    /// (`--add-root`), else the observer hears nix-instantiate's warning.
    pub fn nix_instantiate(
        &mut self,
        request: &Request,
        mode: InstantiateMode,
        add_root: Option<&str>,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let format = match mode {
            InstantiateMode::Parse => {
                for input in &request.inputs {
                    let shown = self.parse(input, request.stdin.as_deref())?;
                    out.extend_from_slice(shown.as_bytes());
                    out.push(b'\n');
                }
                return Ok(());
            }
            InstantiateMode::Eval(format) => format,
            InstantiateMode::Derivations => {
                let mut found = Vec::new();
                let result = self.instantiate(request, &mut found);
                self.commit()?;
                if add_root.is_none() && !found.is_empty() {
                    self.observer.borrow_mut().warn(
                        "you did not specify '--add-root'; the result might be removed by the garbage collector",
                    );
                }
                for (i, drv) in found.iter().enumerate() {
                    let shown = match add_root {
                        Some(root) => {
                            let link = self.add_root(root, i + 1, drv)?;
                            match drv.output.as_str() {
                                "out" => link,
                                output => format!("{link}!{output}"),
                            }
                        }
                        None => drv.line(),
                    };
                    out.extend_from_slice(shown.as_bytes());
                    out.push(b'\n');
                }
                return result;
            }
        };
        // Whatever the evaluation wrote (fetched trees in every mode; with
        // `--read-write-mode` also `toFile`, `builtins.path` and copied paths) is valid
        // once nix-instantiate returns, as Nix registers each object as it adds it.
        let result = self.evaluate(request, format, out);
        self.commit()?;
        result
    }

    /// `nix-instantiate --find-file NAME`: the path `<NAME>` denotes in the search path.
    pub fn find_file(&mut self, name: &str) -> Result<String> {
        let span = self.span;
        let m = self.machine();
        let entries = m.options().search_path.clone();
        match m.find_in_search_path(&entries, name, span)? {
            Value::Path(p) => Ok(p.display().to_string()),
            _ => unreachable!("search path lookups return paths"),
        }
    }

    /// `--parse`: the shown parse of an input; `-` reads `stdin` (standard input when `None`).
    pub fn parse(&mut self, input: &Input, stdin: Option<&[u8]>) -> Result<String> {
        let cwd = self.cwd.clone();
        let (origin, text, base) = match input {
            Input::Expr(e) => (Origin::Text("«string»".into()), e.clone(), cwd),
            Input::File(f) if f.as_os_str() == "-" => {
                (Origin::Text("«stdin»".into()), read_stdin(stdin)?, cwd)
            }
            Input::File(f) => {
                let path = self.absolute(f);
                let path = if path.is_dir() {
                    path.join("default.nix")
                } else {
                    path
                };
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    Error::request(
                        "cli::read",
                        format!("cannot read '{}': {e}", path.display()),
                    )
                })?;
                let base = path.parent().unwrap_or(Path::new("/")).to_path_buf();
                (Origin::File(path), text, base)
            }
        };
        Ok(self.machine().parse_and_show(origin, &text, &base)?)
    }

    /// Evaluates the request and appends each selected value to `out` in `format` (a module's
    /// derivation, for `ntop eval`, as its `.drv` and output paths). What was printed before
    /// an error stays in `out`.
    pub fn evaluate(
        &mut self,
        request: &Request,
        format: ValueFormat,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let span = self.span;
        self.for_each_value(request, &mut |m, v, _| {
            if request.modules {
                let json = matches!(format, ValueFormat::Json { .. });
                if let Some(summary) = derivation_summary(m, &v, json, span)? {
                    out.extend_from_slice(summary.as_bytes());
                    return Ok(());
                }
            }
            out.extend_from_slice(&render_value(m, v, format, span)?);
            Ok(())
        })
    }

    /// Evaluates the request and appends the derivation outputs its values hold to `found`
    /// (nix-instantiate without `--eval`), writing their `.drv` closures to the store unless
    /// the session is read-only. The writes become valid with [`Session::commit`].
    pub fn instantiate(&mut self, request: &Request, found: &mut Vec<DrvOutput>) -> Result<()> {
        let span = self.span;
        let mut seen = std::collections::HashSet::new();
        let result = self.for_each_value(request, &mut |m, v, auto_args| {
            collect_derivations(m, v, auto_args, found, &mut seen, span)
        });
        let dir = self.store_dir();
        for d in found.iter_mut() {
            d.drv = dir.print(&d.path);
        }
        result
    }

    /// The logical store directory.
    pub(crate) fn store_dir(&mut self) -> ntop_store::StoreDir {
        self.machine().store_dir()
    }

    /// `--add-root PATH`: makes the symlink `PATH` (`PATH-N` for the `n`-th result from the
    /// second on) to the derivation's file, registered as a garbage-collector root; returns
    /// the link's path.
    pub fn add_root(&mut self, root: &str, n: usize, drv: &DrvOutput) -> Result<String> {
        let mut name = self.absolute(root).display().to_string();
        if n > 1 {
            name.push_str(&format!("-{n}"));
        }
        let backend = self.backend()?;
        let target = match backend {
            Backend::Local(store) => store.link_target(&drv.path),
            Backend::Daemon(daemon) => daemon.store_dir.print(&drv.path).into(),
        };
        let _ = std::fs::remove_file(&name);
        std::os::unix::fs::symlink(&target, &name).map_err(|e| {
            Error::request(
                "cli::add_root",
                format!("cannot create the root '{name}': {e}"),
            )
        })?;
        match backend {
            Backend::Local(store) => ntop_store::add_indirect_root(store, Path::new(&name))?,
            Backend::Daemon(daemon) => daemon
                .client
                .borrow_mut()
                .add_indirect_root(Path::new(&name))?,
        }
        Ok(name)
    }

    /// Runs `each` on every value the request selects, in order: for every input, its value
    /// (a module evaluated into its configuration), then every attribute path followed,
    /// auto-called when arguments were given (as nix-instantiate does).
    fn for_each_value(
        &mut self,
        request: &Request,
        each: &mut dyn FnMut(&mut Machine, Value, &Value) -> EvalResult<()>,
    ) -> Result<()> {
        let span = self.span;
        let cwd = self.cwd.clone();
        let mut notes = Vec::new();
        let result = (|| -> Result<()> {
            let m = self.machine();
            let auto_args = auto_args(m, &request.args, &cwd)?;
            for input in &request.inputs {
                let mut root = load_input(m, input, request.stdin.as_deref(), &cwd, span)?;
                let module = request.modules
                    && matches!(input, Input::File(_))
                    && modules::is_module(m, &root, span)?;
                if module {
                    let Input::File(f) = input else {
                        unreachable!("modules are files")
                    };
                    let file = ntop_store::canon_path_buf(&cwd.join(f));
                    let (result, replaced) = modules::evaluate(m, &file, span)?;
                    notes.extend(replaced);
                    root = result;
                }
                let defaults = [if module {
                    "system.build.toplevel".to_string()
                } else {
                    String::new()
                }];
                let paths = if request.attr_paths.is_empty() {
                    &defaults[..]
                } else {
                    &request.attr_paths[..]
                };
                for path in paths {
                    let (start, path) = if module {
                        modules::select_root(m, &root, path, span)?
                    } else {
                        (root.clone(), path.clone())
                    };
                    let v = attr_path::follow(m, start, &path, &auto_args, span)?;
                    let v = if request.args.is_empty() {
                        v
                    } else {
                        attr_path::auto_call(m, v, &auto_args, span)?
                    };
                    each(m, v, &auto_args)?;
                }
            }
            Ok(())
        })();
        for note in notes {
            self.note(&note);
        }
        self.note_bundle_use();
        result
    }
}

/// The top-level value of an input.
fn load_input(
    m: &mut Machine,
    input: &Input,
    stdin: Option<&[u8]>,
    cwd: &Path,
    span: Span,
) -> Result<Value> {
    let file = match input {
        Input::Expr(e) => return Ok(m.eval_source("«string»", e, cwd)?),
        Input::File(f) => f,
    };
    if file.as_os_str() == "-" {
        let text = read_stdin(stdin)?;
        return Ok(m.eval_source("«stdin»", &text, cwd)?);
    }
    let lookup = file
        .to_str()
        .and_then(|f| f.strip_prefix('<'))
        .and_then(|f| f.strip_suffix('>'));
    let path = if let Some(wanted) = lookup {
        let entries = m.options().search_path.clone();
        match m.find_in_search_path(&entries, wanted, span)? {
            Value::Path(p) => (*p).clone(),
            _ => unreachable!("search path lookups return paths"),
        }
    } else {
        ntop_store::canon_path_buf(&cwd.join(file))
    };
    Ok(m.import_file(&path, span)?)
}

/// The text of input `-`: the request's `stdin`, else the process's standard input.
fn read_stdin(stdin: Option<&[u8]>) -> Result<String> {
    match stdin {
        Some(bytes) => Ok(String::from_utf8_lossy(bytes).into_owned()),
        None => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                Error::request("cli::stdin", format!("cannot read standard input: {e}"))
            })?;
            Ok(text)
        }
    }
}

/// The set of `--arg` (lazily evaluated expressions) and `--argstr` values.
fn auto_args(m: &mut Machine, args: &[(String, AutoArg)], cwd: &Path) -> EvalResult<Value> {
    let mut entries = Vec::new();
    for (name, arg) in args {
        let value = match arg {
            AutoArg::Expr(expr) => m.lazy_source(&format!("«--arg {name}»"), expr, cwd)?,
            AutoArg::Str(s) => Value::string(s.clone()),
        };
        entries.push((Symbol::new(name), value));
    }
    Ok(m.attrs_from(entries))
}

fn render_value(m: &mut Machine, v: Value, format: ValueFormat, span: Span) -> EvalResult<Vec<u8>> {
    Ok(match format {
        ValueFormat::Nix { strict } => {
            let v = if strict { m.force_deep(&v, span)? } else { v };
            // Nix strings are bytes: print them raw (lossless even when not UTF-8).
            let mut bytes = print_value_bytes(&v, PrintMode::Lazy);
            bytes.push(b'\n');
            bytes
        }
        ValueFormat::Json { strict } => output::to_json(m, &v, span, strict)?.into_bytes(),
        ValueFormat::Xml { strict, location } => {
            let v = if strict { m.force_deep(&v, span)? } else { v };
            output::to_xml(m, &v, span, location)?.into_bytes()
        }
    })
}

/// For a derivation, its `.drv` path and one `output: path` line per output (or, as JSON,
/// `{"drvPath": …, "outputs": {…}}`); `None` for any other value.
fn derivation_summary(
    m: &mut Machine,
    v: &Value,
    json: bool,
    span: Span,
) -> EvalResult<Option<String>> {
    let v = m.force(v, span)?;
    let Value::Attrs(attrs) = &v else {
        return Ok(None);
    };
    if !m.is_derivation(attrs, span)? {
        return Ok(None);
    }
    let drv_path = m.select_attr(&v, sym!("drvPath"), span)?;
    let drv_path = m.force_string(&drv_path, span)?.to_str_lossy().into_owned();
    let names: Vec<String> = match attrs.get(sym!("outputs")) {
        Some(list) => {
            let list = list.clone();
            let list = m.force_list(&list, span)?;
            let mut names = Vec::new();
            for n in list.iter() {
                names.push(m.force_string(n, span)?.to_str_lossy().into_owned());
            }
            names
        }
        None => vec!["out".to_string()],
    };
    let mut outputs = Vec::new();
    for name in names {
        let out = m.select_attr(&v, Symbol::new(&name), span)?;
        let path = m.select_attr(&out, sym!("outPath"), span)?;
        let path = m.force_string(&path, span)?.to_str_lossy().into_owned();
        outputs.push((name, path));
    }
    if json {
        let outputs: serde_json::Map<String, serde_json::Value> = outputs
            .into_iter()
            .map(|(n, p)| (n, serde_json::Value::String(p)))
            .collect();
        return Ok(Some(
            serde_json::json!({ "drvPath": drv_path, "outputs": outputs }).to_string() + "\n",
        ));
    }
    let mut text = format!("{drv_path}\n");
    for (name, path) in outputs {
        text.push_str(&format!("{name}: {path}\n"));
    }
    Ok(Some(text))
}

/// The derivations in a value, as nix-instantiate's `getDerivations` finds them: the value
/// itself; in a set, the attributes (by name) that are derivations, and sets marked
/// `recurseForDerivations` recursively; in a list, each element. Each derivation once, turned
/// into its [`DrvOutput`] as it is found (its `name`, `drvPath` and `outputName` forced).
fn collect_derivations(
    m: &mut Machine,
    v: Value,
    auto_args: &Value,
    found: &mut Vec<DrvOutput>,
    seen: &mut std::collections::HashSet<usize>,
    span: Span,
) -> EvalResult<()> {
    let v = if matches!(auto_args, Value::Null) {
        m.force(&v, span)?
    } else {
        attr_path::auto_call(m, v, auto_args, span)?
    };
    if !visit(m, &v, found, seen, span)? {
        return Ok(());
    }
    match &v {
        Value::Attrs(a) => {
            for e in a.entries() {
                if !is_attr_name(e.name.as_str()) {
                    continue;
                }
                if visit(m, &e.value, found, seen, span)? {
                    let inner = m.force(&e.value, span)?;
                    if let Value::Attrs(inner_attrs) = &inner {
                        if let Some(r) = inner_attrs.get(sym!("recurseForDerivations")) {
                            let r = r.clone();
                            if m.force_bool(&r, span)? {
                                collect_derivations(m, inner, auto_args, found, seen, span)?;
                            }
                        }
                    }
                }
            }
            Ok(())
        }
        Value::List(items) => {
            for item in items.iter() {
                if visit(m, item, found, seen, span)? {
                    collect_derivations(m, item.clone(), auto_args, found, seen, span)?;
                }
            }
            Ok(())
        }
        _ => Err(EvalError::other(
            "cli::not_derivations",
            "expression does not evaluate to a derivation (or a set or list of those)",
            span,
        )),
    }
}

/// Takes `v` if it is a derivation not seen yet; true if it is no derivation, so that the
/// caller may look inside (nix-instantiate's `getDerivation`).
fn visit(
    m: &mut Machine,
    v: &Value,
    found: &mut Vec<DrvOutput>,
    seen: &mut std::collections::HashSet<usize>,
    span: Span,
) -> EvalResult<bool> {
    let v = m.force(v, span)?;
    let Value::Attrs(a) = &v else {
        return Ok(true);
    };
    if !m.is_derivation(a, span)? {
        return Ok(true);
    }
    // A set's identity, as Nix's `done` set of bindings has it.
    if !seen.insert(a.as_ptr() as usize) {
        return Ok(false);
    }
    match a.get(sym!("name")) {
        Some(name) => {
            let name = name.clone();
            m.force_string(&name, span)?;
        }
        None => {
            return Err(EvalError::other(
                "cli::no_name",
                "derivation name missing",
                span,
            ))
        }
    }
    let drv_path = match a.get(sym!("drvPath")) {
        Some(p) => {
            let p = p.clone();
            let mut ctx = ntop_eval::value::Context::default();
            let bytes = m.coerce_to_string(&p, span, CoerceMode::PATH_APPEND, &mut ctx)?;
            String::from_utf8_lossy(&bytes).into_owned()
        }
        None => {
            return Err(EvalError::other(
                "cli::no_drv_path",
                "derivation lacks a 'drvPath' attribute",
                span,
            ))
        }
    };
    let output = match a.get(sym!("outputName")) {
        Some(o) => {
            let o = o.clone();
            m.force_string_no_context(&o, span)?
                .to_str_lossy()
                .into_owned()
        }
        None => String::new(),
    };
    if output.is_empty() {
        return Err(EvalError::other(
            "cli::no_output_name",
            format!("derivation '{drv_path}' lacks an 'outputName' attribute "),
            span,
        ));
    }
    let path = m.parse_store_path(&drv_path, span)?;
    found.push(DrvOutput {
        drv: drv_path,
        output,
        path,
    });
    Ok(false)
}

/// Attribute names nix-instantiate looks at for derivations: `[A-Za-z_][A-Za-z0-9-_+]*`.
fn is_attr_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
}

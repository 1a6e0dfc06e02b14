//! The evaluator: walks lowered IR in environment frames, producing values in weak head
//! normal form.
//!
//! Recursion in the evaluated program becomes recursion here; `stacker` grows the Rust stack on
//! demand so that legitimately deep programs run, and a depth limit turns runaway recursion
//! into an error with a position instead of exhausting memory.

mod attrs;
mod call;
mod coerce;
mod concat;
mod import;
mod ops;

use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

pub use coerce::CoerceMode;
pub use import::SearchPathEntry;
pub use ops::Arith;

use crate::env::Env;
use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::io::EvalIO;
use crate::ir::*;
use crate::source::Span;
use crate::symbol::Symbol;
use crate::thunk::Thunk;
use crate::value::{AttrEntry, AttrSet, Attrs, Closure, NixString, Value};

/// How the evaluator reports `builtins.trace` and warnings; the CLI prints them.
pub trait Observer {
    fn trace(&mut self, message: &str);
    fn warn(&mut self, message: &str);
}

/// Prints nothing; for tests and embedding.
pub struct SilentObserver;

impl Observer for SilentObserver {
    fn trace(&mut self, _: &str) {}
    fn warn(&mut self, _: &str) {}
}

/// The default of [`EvalOptions::max_depth`] (`max-call-depth`): about Nix 2.8's depth. With
/// it, `let f = n: if n == 0 then 0 else 1 + f (n - 1)` runs up to n ≈ 67 000 (Nix 2.8: 73 400)
/// and its tail form `… else f (n - 1)` up to ≈ 100 000 (Nix: 99 600); the golden cases that
/// recurse 50 000 deep need about 195 000 levels. Runaway recursion (`let f = x: f (x + 1)`,
/// `let f = x: 1 + f x`) is then reported at 113 and 123 MB of peak memory, where Nix 2.8's
/// stack overflows at 98 and 92 MB: a level costs about 500 bytes (the hot evaluator
/// functions keep their cold paths out of line to keep their stack frames small), and
/// lowering the limit further would refuse evaluations Nix completes (`docs/performance.md`).
pub const DEFAULT_MAX_DEPTH: usize = 200_000;

/// Walks into nested lists and sets (equality, comparison) have their own limit: a level
/// costs little memory, and Nix 2.8 compares values nested a hundred thousand deep.
pub(crate) const MAX_WALK_DEPTH: usize = 1_000_000;

pub struct EvalOptions {
    pub search_path: Vec<SearchPathEntry>,
    /// Maximum nesting of evaluation; deeper programs fail with a stack-overflow error.
    /// The default, [`DEFAULT_MAX_DEPTH`], reports runaway recursion before it uses more
    /// memory than Nix 2.8 does when its stack overflows (`docs/performance.md`).
    pub max_depth: usize,
    pub system: String,
    pub store_dir: String,
    /// Allow impure builtins (`currentTime`, `getEnv` …). Nix 2.8 without flakes is impure.
    pub impure: bool,
    pub abort_on_warn: bool,
    /// `--option NAME VALUE` settings, kept for builtins that consult them.
    pub settings: HashMap<String, String>,
    /// Stop with an error after this many evaluation steps (fuzzing and robustness tests).
    pub max_steps: Option<u64>,
}

impl Default for EvalOptions {
    fn default() -> EvalOptions {
        EvalOptions {
            search_path: Vec::new(),
            max_depth: DEFAULT_MAX_DEPTH,
            system: default_system(),
            store_dir: "/nix/store".into(),
            impure: true,
            abort_on_warn: false,
            settings: HashMap::new(),
            max_steps: None,
        }
    }
}

fn default_system() -> String {
    let arch = std::env::consts::ARCH;
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    format!("{arch}-{os}")
}

/// Services the evaluator needs from the store layer (see `crate::store`). The driver provides the
/// real one; without it, store-touching builtins fail clearly.
pub use crate::store::StoreAccess;

/// The evaluator. Built with [`Machine::builder`](crate::MachineBuilder): its IO, options,
/// observer, store and prefetcher are fixed at construction.
pub struct Machine {
    pub(crate) io: Box<dyn EvalIO>,
    pub(crate) options: EvalOptions,
    pub(crate) observer: Box<dyn Observer>,
    pub(crate) store: Option<Box<dyn StoreAccess>>,
    globals: Rc<HashMap<Symbol, Value>>,
    root_env: Rc<Env>,
    import_cache: HashMap<PathBuf, Value>,
    /// Paths already copied into the store, so each is hashed once.
    pub(crate) copied_paths: HashMap<PathBuf, String>,
    /// Hashes modulo of the derivations instantiated so far (Nix's `drvHashes`).
    pub(crate) drv_hashes: ntop_store::DrvHashCache,
    depth: usize,
    /// Nesting of walks into values (`ops::nested`), against [`MAX_WALK_DEPTH`].
    pub(crate) walk_depth: usize,
    /// Evaluation steps left before `max_steps` is exceeded (`u64::MAX` when unlimited: a
    /// budget that never runs out costs one decrement, not an `Option` test per step).
    steps_left: u64,
    /// Parses files ahead of their import on another core (set up by the driver, with an
    /// `EvalIO` of its own that reads what `io` would outside the store).
    pub(crate) prefetch: Option<crate::prefetch::Prefetcher>,
    /// The lowered code of every file compiled, freed with the machine (declared last: it is
    /// dropped after everything that points into it).
    pub(crate) code: crate::lower::CodeCache,
}

/// Grow the stack in segments of this size whenever less than `RED_ZONE` remains.
const RED_ZONE: usize = 128 * 1024;
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

impl Machine {
    pub(crate) fn new(io: Box<dyn EvalIO>, options: EvalOptions) -> Machine {
        let mut m = Machine {
            io,
            options,
            observer: Box::new(SilentObserver),
            store: None,
            globals: Rc::new(HashMap::new()),
            root_env: Env::root(),
            import_cache: HashMap::new(),
            copied_paths: HashMap::new(),
            drv_hashes: ntop_store::DrvHashCache::new(),
            depth: 0,
            walk_depth: 0,
            steps_left: 0,
            prefetch: None,
            code: Default::default(),
        };
        m.steps_left = m.options.max_steps.unwrap_or(u64::MAX);
        m.globals = Rc::new(crate::builtins::globals(&m));
        crate::builtins::derivation::init(&mut m);
        m
    }

    /// The options the machine was built with.
    pub fn options(&self) -> &EvalOptions {
        &self.options
    }

    pub fn globals(&self) -> &Rc<HashMap<Symbol, Value>> {
        &self.globals
    }

    pub fn root_env(&self) -> &Rc<Env> {
        &self.root_env
    }

    /// Evaluates `expr` in `env` to weak head normal form (never returns a thunk).
    #[inline]
    pub fn eval(&mut self, expr: ExprRef, env: &Rc<Env>) -> EvalResult<Value> {
        // Leaves that need no evaluation (a constant, a variable already evaluated) are the
        // most common expressions by far: answer them without the depth and stack checks.
        match expr {
            Expr::Const(v) | Expr::Resolved(v) => return Ok(v.clone()),
            Expr::Var(var) => match env.ancestor(var.depth).try_get(var.index) {
                Some(Value::Thunk(t)) => {
                    if let Some(v) = t.value() {
                        return Ok(v);
                    }
                }
                Some(v) => return Ok(v.clone()),
                None => {}
            },
            _ => {}
        }
        self.eval_node(expr, env)
    }

    /// `eval` for expressions that do work: counted against the step budget and, every
    /// eighth level of nesting, checked against the depth limit and the remaining stack (the
    /// depth limit is thus exact to within 7 levels). The common case runs the evaluation
    /// inline, so that a node costs one call, not two.
    #[inline(never)]
    fn eval_node(&mut self, expr: ExprRef, env: &Rc<Env>) -> EvalResult<Value> {
        self.depth += 1;
        let result = if !self.depth.is_multiple_of(8) && self.steps_left > 1 {
            self.steps_left -= 1;
            self.eval_inner(expr, env)
        } else {
            self.eval_guarded(expr, env)
        };
        self.depth -= 1;
        result
    }

    /// The checks `eval_node` does only now and then.
    #[inline(never)]
    fn eval_guarded(&mut self, expr: ExprRef, env: &Rc<Env>) -> EvalResult<Value> {
        // An unlimited budget (u64::MAX) never runs out; a real one stays exhausted.
        if self.steps_left <= 1 && self.options.max_steps.is_some() {
            self.steps_left = 0;
            return Err(EvalError::other(
                "eval::step_limit",
                "evaluation step limit exceeded",
                crate::ir_span(expr),
            ));
        }
        self.steps_left = self.steps_left.saturating_sub(1);
        if self.depth > self.options.max_depth {
            return Err(EvalError::new(
                ErrorKind::StackOverflow,
                crate::ir_span(expr),
            ));
        }
        // Asking for the remaining stack costs a little; one frame of `eval` uses far less than
        // RED_ZONE / 8, so checking every eighth level is enough.
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.eval_outlined(expr, env))
    }

    #[inline(never)]
    fn eval_outlined(&mut self, expr: ExprRef, env: &Rc<Env>) -> EvalResult<Value> {
        self.eval_inner(expr, env)
    }

    #[inline(always)]
    fn eval_inner(&mut self, expr: ExprRef, env: &Rc<Env>) -> EvalResult<Value> {
        match expr {
            Expr::Const(v) | Expr::Resolved(v) => Ok(v.clone()),
            Expr::Var(var) => match env.ancestor(var.depth).get(var.index) {
                Value::Thunk(t) => t.force(self, var.span),
                v => Ok(v.clone()),
            },
            Expr::WithVar(w) => self.lookup_with(w, env),
            Expr::Lambda(l) => Ok(Value::Lambda(Rc::new(Closure {
                lambda: l,
                env: env.clone(),
            }))),
            Expr::Call(c) => self.eval_call(c, env),
            Expr::Attrs(a) => self.eval_attrs(a, env),
            Expr::List(items) => Ok(self.eval_list(items, env)),
            Expr::Select(s) => self.eval_select(s, env),
            Expr::HasAttr(h) => self.eval_has_attr(h, env),
            Expr::Let(l) => {
                let frame = self.instantiate_frame(&l.bindings, env);
                self.eval(l.body, &frame)
            }
            Expr::With(w) => {
                // The frame holds a thunk of its own, even for `with s;` of an evaluated `s`:
                // as in Nix 2.8, a `with` scope counts as evaluated only once a variable has
                // been looked up through it (see `maybe_thunk`), whatever else forced `s`.
                let ns = Value::Thunk(Thunk::suspended(w.namespace, env.clone()));
                let frame = Env::single(ns, env);
                self.eval(w.body, &frame)
            }
            Expr::If(i) => {
                let cond = self.eval(i.cond, env)?;
                if self.expect_bool(&cond, i.span)? {
                    self.eval(i.then, env)
                } else {
                    self.eval(i.otherwise, env)
                }
            }
            Expr::Assert(a) => self.eval_assert(a, env),
            Expr::Not(e, span) => {
                let v = self.eval(e, env)?;
                Ok(Value::Bool(!self.expect_bool(&v, *span)?))
            }
            Expr::Binary(b) => self.eval_binary(b, env),
            Expr::Concat(c) => self.eval_concat(c, env),
            Expr::CurPos(span) => Ok(self.position_attrs(*span)),
        }
    }

    /// A call `f a b …`.
    #[inline(always)]
    fn eval_call(&mut self, c: &Call, env: &Rc<Env>) -> EvalResult<Value> {
        let mut f = self.eval(c.function, env)?;
        // A builtin given all its arguments at once is called directly, without the
        // partial applications in between.
        if let Value::PrimOp(op) = f {
            if op.arity == c.args.len() && matches!(op.arity, 2 | 3) {
                return self.call_primop_saturated(op, c, env);
            }
        }
        let mut rest = c.args;
        while let Some((first, tail)) = rest.split_first() {
            if let (Value::Lambda(closure), Some(second)) = (&f, tail.first()) {
                if let Some(inner) = call::curried(closure) {
                    let a = self.maybe_thunk(first, env);
                    let b = self.maybe_thunk(second, env);
                    f = self.enter_curried(closure, inner, a, b, c.span)?;
                    rest = &tail[1..];
                    continue;
                }
            }
            let arg = self.maybe_thunk(first, env);
            f = self.call(f, arg, c.span)?;
            rest = tail;
        }
        Ok(f)
    }

    /// A list literal: each element stored as `maybe_thunk` stores it.
    #[inline(never)]
    fn eval_list(&self, items: &[ExprRef], env: &Rc<Env>) -> Value {
        Value::list(items.iter().map(|e| self.maybe_thunk(e, env)).collect())
    }

    /// A builtin of two or three arguments given all of them at once: called directly,
    /// without the partial applications in between.
    #[inline(never)]
    fn call_primop_saturated(
        &mut self,
        op: &'static crate::builtins::PrimOp,
        c: &Call,
        env: &Rc<Env>,
    ) -> EvalResult<Value> {
        match c.args {
            [a, b] => {
                let args = [self.maybe_thunk(a, env), self.maybe_thunk(b, env)];
                (op.func)(self, &args, c.span)
            }
            [a, b, d] => {
                let args = [
                    self.maybe_thunk(a, env),
                    self.maybe_thunk(b, env),
                    self.maybe_thunk(d, env),
                ];
                (op.func)(self, &args, c.span)
            }
            _ => unreachable!("only called with two or three arguments"),
        }
    }

    /// `assert cond; body`. Out of line, as every arm that builds an error is: `eval_inner`
    /// is inlined into `eval_node`, whose stack frame is paid on every level of nesting, so
    /// it must hold only what the common arms need.
    #[inline(never)]
    fn eval_assert(&mut self, a: &Assert, env: &Rc<Env>) -> EvalResult<Value> {
        let cond = self.eval(a.cond, env)?;
        if self.expect_bool(&cond, a.span)? {
            self.eval(a.body, env)
        } else {
            Err(self.assertion_failed(a))
        }
    }

    #[cold]
    fn assertion_failed(&self, a: &Assert) -> EvalError {
        // The keyword is the place (where Nix reports it); the condition is what failed.
        let keyword = Span::new(a.span.file, a.span.start, a.span.start + 6);
        let home = self.io.get_env("HOME").map(std::path::PathBuf::from);
        let text = crate::show::show_span(a.cond_span, a.base_dir, home.as_deref());
        EvalError::new(ErrorKind::AssertionFailed(text), keyword)
            .with_label(a.cond_span, "this is false")
    }

    /// What a container stores for `expr`: literals and variables directly (as Nix's
    /// `maybeThunk` does), everything else as a suspended thunk. What is stored decides
    /// identity, which equality sees (`[ f ] == [ f ]` holds for functions only when both
    /// lists hold the very same value): a variable gives the value it is bound to — for a
    /// variable found through `with`, the attribute's own value, once the `with` scopes it is
    /// looked up in have been evaluated (Nix's `lookupVar` without evaluation), else a thunk.
    pub fn maybe_thunk(&self, expr: ExprRef, env: &Rc<Env>) -> Value {
        match expr {
            Expr::Const(v) => v.clone(),
            // A binding of the frame being filled may not exist yet (`let x = x;`).
            Expr::Var(var) => match env.ancestor(var.depth).try_get(var.index) {
                Some(v) => v.clone(),
                None => Value::Thunk(Thunk::suspended(expr, env.clone())),
            },
            Expr::WithVar(w) => match Self::lookup_with_evaluated(w, env) {
                Some(v) => v,
                None => Value::Thunk(Thunk::suspended(expr, env.clone())),
            },
            _ => Value::Thunk(Thunk::suspended(expr, env.clone())),
        }
    }

    /// `w`'s value without evaluating anything: `None` when a `with` scope searched before
    /// the one defining it has not been evaluated yet (or is no set, which evaluation reports).
    fn lookup_with_evaluated(w: &WithVar, env: &Rc<Env>) -> Option<Value> {
        for &depth in w.with_depths.iter() {
            let ns = match env.ancestor(depth).get(0) {
                Value::Thunk(t) => t.value()?,
                other => other.clone(),
            };
            let Value::Attrs(attrs) = ns else {
                return None;
            };
            if let Some(v) = attrs.get(w.name) {
                return Some(v.clone());
            }
        }
        None
    }

    /// Forces a value to weak head normal form. `at` is where it was demanded.
    pub fn force(&mut self, v: &Value, at: Span) -> EvalResult<Value> {
        match v {
            Value::Thunk(t) => t.force(self, at),
            other => Ok(other.clone()),
        }
    }

    fn lookup_with(&mut self, w: &WithVar, env: &Rc<Env>) -> EvalResult<Value> {
        for &depth in w.with_depths.iter() {
            let ns = env.ancestor(depth).get(0).clone();
            let ns = self.force(&ns, w.span)?;
            let attrs = self.expect_attrs(&ns, w.span)?;
            if let Some(v) = attrs.get(w.name) {
                let v = v.clone();
                return self.force(&v, w.span);
            }
        }
        Err(EvalError::new(
            ErrorKind::UndefinedVariable(w.name.to_string()),
            w.span,
        ))
    }

    /// `{ file, line, column }` for `__curPos` and `unsafeGetAttrPos`.
    #[inline(never)]
    pub fn position_attrs(&self, span: Span) -> Value {
        let src = crate::source::source(span.file);
        let (line, col) = src.line_col(span.start);
        let mut a = Attrs::with_capacity(3);
        a.push_sorted(crate::sym!("column"), Value::Int(col as i64), None);
        a.push_sorted(crate::sym!("file"), Value::string(src.display_name()), None);
        a.push_sorted(crate::sym!("line"), Value::Int(line as i64), None);
        Value::attrs(a)
    }

    // Type expectations, with Nix's messages.

    #[cold]
    #[inline(never)]
    pub fn type_error(&self, expected: &'static str, found: &Value, span: Span) -> EvalError {
        EvalError::new(
            ErrorKind::TypeMismatch {
                expected,
                found: found.type_phrase(),
                value: crate::print::brief(found),
            },
            span,
        )
    }

    pub fn expect_bool(&self, v: &Value, span: Span) -> EvalResult<bool> {
        match v {
            Value::Bool(b) => Ok(*b),
            other => Err(self.type_error("a Boolean", other, span)),
        }
    }

    pub fn expect_int(&self, v: &Value, span: Span) -> EvalResult<i64> {
        match v {
            Value::Int(i) => Ok(*i),
            other => Err(self.type_error("an integer", other, span)),
        }
    }

    pub fn expect_attrs(&self, v: &Value, span: Span) -> EvalResult<AttrSet> {
        match v {
            Value::Attrs(a) => Ok(a.clone()),
            other => Err(self.type_error("a set", other, span)),
        }
    }

    pub fn expect_list(&self, v: &Value, span: Span) -> EvalResult<Rc<Vec<Value>>> {
        match v {
            Value::List(l) => Ok(l.clone()),
            other => Err(self.type_error("a list", other, span)),
        }
    }

    pub fn expect_string(&self, v: &Value, span: Span) -> EvalResult<NixString> {
        match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(self.type_error("a string", other, span)),
        }
    }

    pub fn expect_function(&self, v: &Value, span: Span) -> EvalResult<()> {
        if v.is_function() || matches!(v, Value::Attrs(a) if a.contains(crate::sym!("__functor"))) {
            Ok(())
        } else {
            Err(self.type_error("a function", v, span))
        }
    }

    // Forcing helpers used throughout the builtins.

    pub fn force_bool(&mut self, v: &Value, span: Span) -> EvalResult<bool> {
        let v = self.force(v, span)?;
        self.expect_bool(&v, span)
    }

    pub fn force_int(&mut self, v: &Value, span: Span) -> EvalResult<i64> {
        let v = self.force(v, span)?;
        self.expect_int(&v, span)
    }

    pub fn force_attrs(&mut self, v: &Value, span: Span) -> EvalResult<AttrSet> {
        let v = self.force(v, span)?;
        self.expect_attrs(&v, span)
    }

    pub fn force_list(&mut self, v: &Value, span: Span) -> EvalResult<Rc<Vec<Value>>> {
        let v = self.force(v, span)?;
        self.expect_list(&v, span)
    }

    /// A string value (not coerced), context kept.
    pub fn force_string(&mut self, v: &Value, span: Span) -> EvalResult<NixString> {
        let v = self.force(v, span)?;
        self.expect_string(&v, span)
    }

    /// A string value that must not refer to store paths (attribute names, file names …).
    pub fn force_string_no_context(&mut self, v: &Value, span: Span) -> EvalResult<NixString> {
        let s = self.force_string(v, span)?;
        if s.has_context() {
            let first = s.context().iter().next().unwrap_or_default().to_string();
            return Err(EvalError::other(
                "eval::string_has_context",
                format!(
                    "the string '{}' is not allowed to refer to a store path (such as '{}')",
                    s.to_str_lossy(),
                    first.trim_start_matches(['=', '!'])
                ),
                span,
            ));
        }
        Ok(s)
    }

    /// Forces a value and everything inside it (`deepSeq`, `--strict`).
    pub fn force_deep(&mut self, v: &Value, span: Span) -> EvalResult<Value> {
        let v = self.force(v, span)?;
        let mut seen = std::collections::HashSet::new();
        self.force_deep_inner(&v, span, &mut seen)?;
        Ok(v)
    }

    fn force_deep_inner(
        &mut self,
        v: &Value,
        span: Span,
        seen: &mut std::collections::HashSet<usize>,
    ) -> EvalResult<()> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || match v {
            Value::Attrs(a) => {
                if !seen.insert(a.as_ptr() as usize) {
                    return Ok(());
                }
                for e in a.entries() {
                    let inner = self.force(&e.value, span).map_err(|err| {
                        err.with_frame(
                            e.pos,
                            format!("while evaluating the attribute '{}'", e.name),
                        )
                    })?;
                    self.force_deep_inner(&inner, span, seen).map_err(|err| {
                        err.with_frame(
                            e.pos,
                            format!("while evaluating the attribute '{}'", e.name),
                        )
                    })?;
                }
                Ok(())
            }
            Value::List(l) => {
                if !seen.insert(Rc::as_ptr(l) as usize) {
                    return Ok(());
                }
                for item in l.iter() {
                    let inner = self.force(item, span)?;
                    self.force_deep_inner(&inner, span, seen)?;
                }
                Ok(())
            }
            _ => Ok(()),
        })
    }

    /// Builds an attribute set from entries given in any order (first definition wins).
    pub fn attrs_from(&self, entries: Vec<(Symbol, Value)>) -> Value {
        let entries = entries
            .into_iter()
            .map(|(name, value)| AttrEntry {
                name,
                value,
                pos: None,
            })
            .collect();
        Value::attrs(Attrs::from_unsorted(entries))
    }
}

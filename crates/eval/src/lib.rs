//! The Nix language evaluator.
//!
//! Data flow: source text → [`syntax`] (rnix tree + all syntax errors) → `lower` (IR with
//! resolved variables) → [`Machine`] (lazy evaluation over environment frames) →
//! [`value::Value`]. Printing of values lives in [`print`], [`json`] and [`xml`]; nothing in
//! this crate writes to the terminal.
//!
//! **An API boundary.** What other crates use is this file's: a [`Machine`] built through a
//! [`MachineBuilder`] (IO, store, observer, options and prefetcher fixed at construction), its
//! evaluating methods, [`Value`], [`EvalError`] and the [`diagnostic`] model, the semantic
//! index for `ntop check` and the language server ([`check`]), and the question what a
//! function value accepts ([`function_signature`]). The IR, thunks, environments and
//! lowering are private to the crate: nothing outside reads them.

pub mod builtins;
pub mod check;
pub mod diagnostic;
pub(crate) mod env;
pub mod error;
pub(crate) mod eval;
pub mod io;
pub(crate) mod ir;
pub mod json;
pub(crate) mod lower;
pub(crate) mod parse;
pub mod prefetch;
pub mod print;
pub(crate) mod show;
pub mod source;
pub mod store;
pub mod suggest;
pub mod symbol;
pub mod syntax;
pub(crate) mod thunk;
pub mod value;
pub mod xml;

pub use error::{ErrorKind, EvalError, EvalResult};
pub use eval::{
    CoerceMode, EvalOptions, Machine, Observer, SearchPathEntry, SilentObserver, DEFAULT_MAX_DEPTH,
};
pub use lower::canonicalize_lexically;
pub use store::StoreAccess;
pub use value::Value;

/// Builds a [`Machine`]: everything it depends on is given here, once.
pub struct MachineBuilder {
    io: Box<dyn io::EvalIO>,
    options: EvalOptions,
    observer: Box<dyn Observer>,
    store: Option<Box<dyn StoreAccess>>,
    prefetch: Option<prefetch::Prefetcher>,
}

impl Machine {
    /// A machine reading files through `io`, with default options, no store and an observer
    /// that drops traces and warnings, until the builder says otherwise.
    pub fn builder(io: Box<dyn io::EvalIO>) -> MachineBuilder {
        MachineBuilder {
            io,
            options: EvalOptions::default(),
            observer: Box::new(SilentObserver),
            store: None,
            prefetch: None,
        }
    }
}

impl MachineBuilder {
    pub fn options(mut self, options: EvalOptions) -> MachineBuilder {
        self.options = options;
        self
    }

    /// Where `builtins.trace` and warnings go.
    pub fn observer(mut self, observer: Box<dyn Observer>) -> MachineBuilder {
        self.observer = observer;
        self
    }

    /// The store for store-touching builtins (without one they fail, naming the builtin).
    pub fn store(mut self, store: Box<dyn StoreAccess>) -> MachineBuilder {
        self.store = Some(store);
        self
    }

    /// Parse imported files ahead of time on another core.
    pub fn prefetch(mut self, prefetch: prefetch::Prefetcher) -> MachineBuilder {
        self.prefetch = Some(prefetch);
        self
    }

    pub fn build(self) -> Machine {
        let mut m = Machine::new(self.io, self.options);
        m.observer = self.observer;
        m.store = self.store;
        m.prefetch = self.prefetch;
        m
    }
}

impl Machine {
    /// A value that is `text` (a Nix expression) evaluated when first needed, as `--arg NAME
    /// EXPR` passes it; the text is parsed now. `name` names it in messages.
    pub fn lazy_source(
        &mut self,
        name: &str,
        text: &str,
        base_dir: &std::path::Path,
    ) -> EvalResult<Value> {
        let code = self.compile(
            source::Origin::Text(name.into()),
            text.into(),
            base_dir,
            None,
        )?;
        let env = self.root_env().clone();
        Ok(Value::Thunk(thunk::Thunk::suspended(code, env)))
    }
}

/// What a function value accepts when called with a set: its formal arguments (as
/// `builtins.functionArgs` reports them) and whether it takes more (`...`).
#[derive(Clone, Debug)]
pub struct Signature {
    pub formals: Vec<Formal>,
    pub ellipsis: bool,
}

#[derive(Clone, Debug)]
pub struct Formal {
    pub name: symbol::Symbol,
    pub has_default: bool,
    /// Where the formal is written.
    pub span: source::Span,
}

/// The signature of a lambda with formals (`{ a, b ? 1, ... }: …`); `None` for any other
/// value, a plain `x: …` lambda included (Nix's `autoCallFunction` calls only the former).
/// The value must be forced.
pub fn function_signature(v: &Value) -> Option<Signature> {
    let Value::Lambda(closure) = v else {
        return None;
    };
    let ir::Param::Formals(formals) = &closure.lambda.param else {
        return None;
    };
    Some(Signature {
        formals: formals
            .entries
            .iter()
            .map(|f| Formal {
                name: f.name,
                has_default: f.default.is_some(),
                span: f.span,
            })
            .collect(),
        ellipsis: formals.ellipsis,
    })
}

/// The span of an IR expression, where it has one (for errors about a thunk's definition).
pub(crate) fn ir_span(e: &ir::Expr) -> Option<source::Span> {
    use ir::Expr;
    match e {
        Expr::Const(_) | Expr::Resolved(_) => None,
        Expr::Var(v) => Some(v.span),
        Expr::WithVar(w) => Some(w.span),
        Expr::Lambda(l) => Some(l.span),
        Expr::Call(c) => Some(c.span),
        Expr::Attrs(a) => Some(a.span),
        Expr::List(items) => items.first().and_then(|i| ir_span(i)),
        Expr::Select(s) => Some(s.span),
        Expr::HasAttr(h) => Some(h.span),
        Expr::Let(l) => ir_span(l.body),
        Expr::With(w) => Some(w.span),
        Expr::If(i) => Some(i.span),
        Expr::Assert(a) => Some(a.span),
        Expr::Not(_, s) => Some(*s),
        Expr::Binary(b) => Some(b.span),
        Expr::Concat(c) => Some(c.span),
        Expr::CurPos(s) => Some(*s),
    }
}

//! The lowered intermediate representation that the evaluator walks.
//!
//! Lowering (see `lower/`) resolves every variable to a slot in an environment frame at compile
//! time, so evaluation never looks names up by string except through `with`. A lowered file
//! lives in an arena of its own (`lower::code::Code`), kept by the machine's code cache until
//! the machine is dropped: thunks and closures point at their code with plain `&'static`
//! references, valid for as long as the machine that lowered it lives.

use crate::source::Span;
use crate::symbol::Symbol;
use crate::value::Value;

pub type ExprRef = &'static Expr;

pub enum Expr {
    /// A literal whose value is built at lowering time (numbers, plain strings, paths, URIs).
    /// Like Nix's `maybeThunk`, these are stored in containers as values, never as thunks.
    Const(Value),
    /// A selection from the global `builtins` set (`builtins.head`), resolved at lowering
    /// time. It evaluates to the value at once but, unlike a literal, is stored as a thunk
    /// (in lists, sets, arguments) as any selection is: Nix's equality and lazy printing
    /// can tell the difference.
    Resolved(Value),
    /// A variable bound lexically: `depth` frames up, slot `index`.
    Var(LocalVar),
    /// A variable only `with` can provide, tried in the listed `with` frames, innermost first.
    WithVar(&'static WithVar),
    Lambda(&'static Lambda),
    Call(&'static Call),
    Attrs(&'static AttrsExpr),
    List(&'static [ExprRef]),
    Select(&'static Select),
    HasAttr(&'static HasAttr),
    Let(&'static Let),
    With(&'static With),
    If(&'static If),
    Assert(&'static Assert),
    Not(ExprRef, Span),
    Binary(&'static Binary),
    /// `a + b`, `"…${x}…"` and `./a/${x}`: Nix's string/path/number concatenation.
    Concat(&'static Concat),
    /// `__curPos` and similar expressions that build a fresh value each time they are evaluated.
    CurPos(Span),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalVar {
    pub depth: u32,
    pub index: u32,
    pub span: Span,
}

pub struct WithVar {
    pub name: Symbol,
    /// Depths of the enclosing `with` frames, innermost first.
    pub with_depths: &'static [u32],
    pub span: Span,
}

pub struct Lambda {
    /// The name the lambda was bound to (`f = x: …`), for messages.
    pub name: std::cell::Cell<Option<Symbol>>,
    pub param: Param,
    pub body: ExprRef,
    pub span: Span,
    /// Number of slots of the frame a call creates.
    pub frame_size: u32,
}

pub enum Param {
    /// `x: …`; the argument lives in slot 0.
    Ident(Symbol),
    Formals(&'static Formals),
}

pub struct Formals {
    /// In source order; formal `i` lives in slot `i`.
    pub entries: &'static [Formal],
    pub ellipsis: bool,
    /// `args@{ … }`: the whole argument set lives in slot `entries.len()`.
    pub at: Option<Symbol>,
}

pub struct Formal {
    pub name: Symbol,
    pub default: Option<ExprRef>,
    pub span: Span,
}

pub struct Call {
    pub function: ExprRef,
    pub args: &'static [ExprRef],
    pub span: Span,
}

/// The bindings of an attribute set, `rec` set or `let`.
pub struct Bindings {
    /// Sorted by name; for `rec` and `let` the binding `i` also lives in frame slot `i`.
    pub statics: &'static [StaticBinding],
    pub dynamics: &'static [DynamicBinding],
    /// The `e` of each `inherit (e) …`, evaluated at most once per instance.
    pub inherit_sources: &'static [ExprRef],
}

pub struct StaticBinding {
    pub name: Symbol,
    pub value: BindingValue,
    pub span: Span,
}

pub enum BindingValue {
    /// Evaluated in the set's own frame when it is recursive, else in the enclosing one.
    Expr(ExprRef),
    /// `inherit x;`: a variable of the enclosing scope.
    Inherit(ExprRef),
    /// `inherit (e) x;`: attribute `name` of inherit source `source`.
    InheritFrom { source: u32, span: Span },
}

pub struct DynamicBinding {
    pub name: ExprRef,
    pub value: ExprRef,
    pub span: Span,
}

pub struct AttrsExpr {
    pub recursive: bool,
    pub bindings: Bindings,
    pub span: Span,
}

pub struct Let {
    pub bindings: Bindings,
    pub body: ExprRef,
}

pub struct Select {
    pub expr: ExprRef,
    pub path: &'static [AttrKey],
    pub default: Option<ExprRef>,
    pub span: Span,
}

pub struct HasAttr {
    pub expr: ExprRef,
    pub path: &'static [AttrKey],
    pub span: Span,
}

pub enum AttrKey {
    Static(Symbol),
    Dynamic(ExprRef),
}

pub struct With {
    pub namespace: ExprRef,
    pub body: ExprRef,
    pub span: Span,
}

pub struct If {
    pub cond: ExprRef,
    pub then: ExprRef,
    pub otherwise: ExprRef,
    pub span: Span,
}

pub struct Assert {
    pub cond: ExprRef,
    pub body: ExprRef,
    /// The file's directory: "assertion '…' failed" shows the condition as Nix prints it
    /// (relative paths resolved), and is computed only then, from the condition's source text.
    pub base_dir: &'static std::path::Path,
    pub span: Span,
    /// The condition as written, labelled when it is false.
    pub cond_span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    NotEq,
    And,
    Or,
    Implies,
    Update,
    ConcatLists,
    /// The arithmetic and comparison operators are calls of `__sub`, `__mul`, `__div` and
    /// `__lessThan` in Nix; when those names resolve to the builtins (they almost always do)
    /// lowering emits these direct forms instead, with the same semantics.
    Sub,
    Mul,
    Div,
    Less,
    /// `a > b` is `__lessThan b a`, `a <= b` is `!(__lessThan b a)`, `a >= b` is `!(a < b)`.
    Greater,
    LessEq,
    GreaterEq,
}

pub struct Binary {
    pub op: BinaryOp,
    pub lhs: ExprRef,
    pub rhs: ExprRef,
    pub span: Span,
}

pub struct Concat {
    pub parts: &'static [(ExprRef, Span)],
    /// True for string interpolation (the result is always a string); false for `+` and
    /// interpolated paths, whose first operand decides the result's type.
    pub force_string: bool,
    pub span: Span,
}

//! The scope index of one file: every binding, frame and reference, as the one name resolver
//! (`lower::scope`) resolved them while lowering. `ntop check`'s lints and the language
//! server's hover, go-to-definition and rename read it.

pub use rnix::TextRange;

pub type BindingId = usize;
pub type FrameId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindingKind {
    /// `let x = …; in`, including `let inherit …;`.
    Let,
    /// A binding of the legacy `let { …; body = …; }`.
    LegacyLet,
    /// An attribute of a `rec { … }` set.
    RecAttr,
    /// The argument of `x: …`.
    Arg,
    /// A formal of `{ x, y ? 1, ... }: …`.
    Formal,
    /// The whole-set name of `args@{ … }: …`.
    AtPattern,
}

#[derive(Clone, Debug)]
pub struct Binding {
    pub name: String,
    pub kind: BindingKind,
    /// The identifier (or attribute) that names it.
    pub name_range: TextRange,
    /// The whole definition: `x = 1;`, `inherit (a) x;`, `x ? 1`, or the identifier.
    pub def_range: TextRange,
    pub frame: FrameId,
}

#[derive(Clone, Debug)]
pub enum FrameKind {
    Let,
    LegacyLet,
    Rec {
        /// The `rec` keyword, when the set was written with one.
        rec_token: Option<TextRange>,
    },
    Lambda {
        /// The `args@` binding of a pattern.
        at: Option<BindingId>,
    },
}

#[derive(Clone, Debug)]
pub struct Frame {
    pub kind: FrameKind,
    pub bindings: Vec<BindingId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Binding(BindingId),
    /// Looked up at run time in the enclosing `with`s.
    With,
    /// A builtin or another global (`map`, `true`, `__sub`, `builtins`).
    Global,
    /// Not bound anywhere: an error.
    Undefined,
}

#[derive(Clone, Debug)]
pub struct Reference {
    pub name: String,
    pub range: TextRange,
    pub target: Target,
    /// `Some("x")` when the reference is selected from at once: `args.x`.
    pub selects: Option<String>,
}

/// A path literal without interpolation: `./x.nix`, `/etc/hosts`, `~/a`.
#[derive(Clone, Debug)]
pub struct PathLiteral {
    pub range: TextRange,
    pub text: String,
}

/// The scope facts of one file.
#[derive(Clone, Debug, Default)]
pub struct Index {
    pub bindings: Vec<Binding>,
    pub frames: Vec<Frame>,
    pub references: Vec<Reference>,
    /// `builtins.NAME` selections: the range of `NAME` and the name.
    pub builtin_selects: Vec<(TextRange, String)>,
    pub paths: Vec<PathLiteral>,
}

impl Index {
    /// The references that resolve to `binding`.
    pub fn references_to(&self, binding: BindingId) -> impl Iterator<Item = &Reference> {
        self.references
            .iter()
            .filter(move |r| r.target == Target::Binding(binding))
    }
}

pub fn text_range(start: u32, end: u32) -> TextRange {
    TextRange::new(start.into(), end.into())
}

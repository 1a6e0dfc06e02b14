//! The syntax tree our parser builds and lowering, `ntop check` and `--parse` read.
//!
//! A compact, index-based tree: nodes live in one vector and refer to each other by
//! [`NodeId`]; variable-length parts (list items, bindings, attribute paths, string pieces,
//! formals) live in side vectors and are named by [`Range`]s. Names are byte spans of the
//! source, string pieces are already unescaped (and indented strings stripped), so the tree
//! holds no interned symbols and no thread-local state: the parse-ahead thread builds trees
//! that the evaluator's thread lowers.
//!
//! Every node's span is that of its first to its last token; trivia belong to no node.

/// A node of the tree.
pub type NodeId = u32;

/// A byte range of the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    pub fn to(self, other: Span) -> Span {
        Span::new(self.start, other.end)
    }
}

/// A stretch of one of the side vectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Range {
    pub start: u32,
    pub len: u32,
}

impl Range {
    pub fn indices(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }

    pub fn is_empty(self) -> bool {
        self.len == 0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Eq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    And,
    Or,
    Implies,
    Update,
    Add,
    Sub,
    Mul,
    Div,
    Concat,
    /// `|>` and `<|`: parsed only to be reported (they are not Nix 2.8).
    Pipe,
}

#[derive(Clone, Copy, Debug)]
pub enum Node {
    /// An integer literal; `None` when it does not fit in 64 bits (reported by lowering).
    Int(Option<i64>),
    Float(Option<f64>),
    /// An unquoted URL; its text is the span's.
    Uri,
    /// A variable; its name is the span's text.
    Ident,
    /// `or` where an expression is expected: reported by lowering.
    OrKeyword,
    CurPos,
    /// A string: pieces of `Ast::parts`.
    Str(Range),
    /// A path: the first piece is the literal prefix as written (`./a/`), then interpolations
    /// and literal continuations.
    Path(Range),
    /// `<nixpkgs/lib>`; the name is the span's text without the angle brackets.
    SearchPath,
    Paren(NodeId),
    /// Items in `Ast::children`.
    List(Range),
    AttrSet {
        /// The `rec` keyword.
        rec: Option<Span>,
        binds: Range,
    },
    LetIn {
        binds: Range,
        body: NodeId,
    },
    /// `let { …; body = …; }`.
    LegacyLet {
        keyword: Span,
        binds: Range,
    },
    Lambda {
        param: Param,
        body: NodeId,
    },
    Apply {
        function: NodeId,
        arg: NodeId,
    },
    Select {
        expr: NodeId,
        /// Attribute names in `Ast::attrs`.
        path: Range,
        default: Option<NodeId>,
    },
    HasAttr {
        expr: NodeId,
        path: Range,
    },
    With {
        namespace: NodeId,
        body: NodeId,
    },
    If {
        cond: NodeId,
        then: NodeId,
        otherwise: NodeId,
    },
    Assert {
        cond: NodeId,
        body: NodeId,
    },
    Not(NodeId),
    Negate(NodeId),
    Binary {
        op: BinOp,
        lhs: NodeId,
        rhs: NodeId,
    },
    /// A piece the tree it came from is missing (only in trees converted from an
    /// error-tolerant parse).
    Missing,
}

#[derive(Clone, Copy, Debug)]
pub enum Param {
    /// `x: …`; the name's span.
    Ident(Span),
    Pattern {
        /// Formals in `Ast::formals`.
        entries: Range,
        ellipsis: bool,
        /// `args@{ … }` or `{ … }@args`: the name's span.
        at: Option<Span>,
    },
    /// A lambda whose parameter is missing (error-tolerant trees only).
    Missing,
}

#[derive(Clone, Copy, Debug)]
pub struct Formal {
    pub name: Span,
    pub default: Option<NodeId>,
    /// The whole formal: `x ? 1`.
    pub span: Span,
}

/// An attribute name in a path, a binding or an `inherit`.
#[derive(Clone, Copy, Debug)]
pub enum Attr {
    /// An identifier (or `or`); its text is the span's.
    Ident(Span),
    /// `"…"`: a `Str` node.
    Str(NodeId),
    /// `${e}`: the expression and the span of the whole `${…}`.
    Dynamic(NodeId, Span),
}

#[derive(Clone, Copy, Debug)]
pub enum Bind {
    /// `a.b.c = value;` (the whole entry's span).
    Value {
        path: Range,
        value: NodeId,
        span: Span,
    },
    /// `inherit (from) a b;`
    Inherit {
        from: Option<NodeId>,
        names: Range,
        span: Span,
    },
}

/// A piece of a string or path.
#[derive(Clone, Copy, Debug)]
pub enum Part {
    /// Bytes of `Ast::bytes` (unescaped string text, or path text as written).
    Literal { start: u32, len: u32 },
    /// `${e}`: the expression and the span of the whole `${…}`.
    Interpolation(NodeId, Span),
}

/// A parsed file.
#[derive(Default)]
pub struct Ast {
    pub nodes: Vec<Node>,
    pub spans: Vec<Span>,
    pub children: Vec<NodeId>,
    pub binds: Vec<Bind>,
    pub attrs: Vec<Attr>,
    pub parts: Vec<Part>,
    pub formals: Vec<Formal>,
    pub bytes: Vec<u8>,
    /// The top expression; `None` for a file without one (error-tolerant trees only).
    pub root: Option<NodeId>,
}

impl Ast {
    /// An empty tree with room for what a source of `len` bytes usually holds.
    pub fn with_capacity(len: usize) -> Ast {
        Ast {
            nodes: Vec::with_capacity(len / 6),
            spans: Vec::with_capacity(len / 6),
            children: Vec::with_capacity(len / 32),
            binds: Vec::with_capacity(len / 24),
            attrs: Vec::with_capacity(len / 16),
            parts: Vec::with_capacity(len / 48),
            formals: Vec::with_capacity(len / 64),
            bytes: Vec::with_capacity(len / 8),
            root: None,
        }
    }

    pub fn node(&self, id: NodeId) -> Node {
        self.nodes[id as usize]
    }

    pub fn span(&self, id: NodeId) -> Span {
        self.spans[id as usize]
    }

    pub fn push(&mut self, node: Node, span: Span) -> NodeId {
        self.nodes.push(node);
        self.spans.push(span);
        (self.nodes.len() - 1) as NodeId
    }

    pub fn children(&self, r: Range) -> &[NodeId] {
        &self.children[r.indices()]
    }

    pub fn binds(&self, r: Range) -> &[Bind] {
        &self.binds[r.indices()]
    }

    pub fn attrs(&self, r: Range) -> &[Attr] {
        &self.attrs[r.indices()]
    }

    pub fn parts(&self, r: Range) -> &[Part] {
        &self.parts[r.indices()]
    }

    pub fn formals(&self, r: Range) -> &[Formal] {
        &self.formals[r.indices()]
    }

    pub fn literal(&self, start: u32, len: u32) -> &[u8] {
        &self.bytes[start as usize..(start + len) as usize]
    }

    /// The bytes of a string without interpolations; `None` if it has one (or `id` is not a
    /// string).
    pub fn constant_string(&self, id: NodeId) -> Option<Vec<u8>> {
        let Node::Str(parts) = self.node(id) else {
            return None;
        };
        let mut out = Vec::new();
        for p in self.parts(parts) {
            match *p {
                Part::Literal { start, len } => out.extend_from_slice(self.literal(start, len)),
                Part::Interpolation(..) => return None,
            }
        }
        Some(out)
    }

    /// An attribute name known without evaluating: an identifier, or a string (also
    /// `${"…"}`) without interpolation.
    pub fn static_attr_name<'t>(&self, attr: Attr, text: &'t str) -> Option<StaticName<'t>> {
        match attr {
            Attr::Ident(s) => Some(StaticName::Text(&text[s.start as usize..s.end as usize])),
            Attr::Str(n) => self.constant_string(n).map(StaticName::Bytes),
            Attr::Dynamic(e, _) => match self.node(e) {
                Node::Str(_) => self.constant_string(e).map(StaticName::Bytes),
                _ => None,
            },
        }
    }

    /// The span an attribute name is reported at.
    pub fn attr_span(&self, attr: Attr) -> Span {
        match attr {
            Attr::Ident(s) => s,
            Attr::Str(n) => self.span(n),
            Attr::Dynamic(_, s) => s,
        }
    }

    /// Every plain path literal (no interpolation), as written: what the parse-ahead thread
    /// follows.
    pub fn plain_paths(&self) -> impl Iterator<Item = &str> + '_ {
        self.nodes.iter().filter_map(move |n| match n {
            Node::Path(r) if r.len == 1 => match self.parts[r.start as usize] {
                Part::Literal { start, len } => std::str::from_utf8(self.literal(start, len)).ok(),
                Part::Interpolation(..) => None,
            },
            _ => None,
        })
    }
}

/// A static attribute name: source text, or the bytes of a constant string.
pub enum StaticName<'t> {
    Text(&'t str),
    Bytes(Vec<u8>),
}

impl StaticName<'_> {
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            StaticName::Text(t) => t.as_bytes(),
            StaticName::Bytes(b) => b,
        }
    }
}

//! Source files and spans.
//!
//! Every parsed file (or `-E` expression) is registered once in the thread's [`SourceMap`] and
//! named by a [`FileId`]; a [`Span`] is a byte range in one of them. Spans are plain `Copy` data
//! so that the IR and errors can carry them freely; turning them into line/column pairs (or into
//! miette labels) happens only when a diagnostic is rendered.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileId(u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: u32, end: u32) -> Span {
        Span { file, start, end }
    }

    /// The empty span at the start of this one, for errors that point at a position.
    pub fn start_point(self) -> Span {
        Span {
            end: self.start,
            ..self
        }
    }
}

/// Where a source came from: a file on disk or a command-line / string expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    /// `-E` expressions, stdin and other text without a file, with a display name.
    Text(String),
}

pub struct SourceFile {
    pub origin: Origin,
    pub text: Rc<str>,
    /// Where each line starts; computed when a position is first asked for (most files never
    /// need one).
    line_starts: std::cell::OnceCell<Vec<u32>>,
}

impl SourceFile {
    fn new(origin: Origin, text: Rc<str>) -> SourceFile {
        SourceFile {
            origin,
            text,
            line_starts: std::cell::OnceCell::new(),
        }
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            let bytes = self.text.as_bytes();
            let mut i = 0;
            while let Some(n) = bytes[i..].iter().position(|&b| b == b'\n') {
                i += n + 1;
                starts.push(i as u32);
            }
            starts
        })
    }

    /// 1-based line and column of a byte offset; columns count characters, as Nix counts bytes
    /// in 2.8 (its lexer advances the column per byte), so we count bytes too.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let starts = self.line_starts();
        let line = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        (line as u32 + 1, offset - starts[line] + 1)
    }

    /// The number of lines (a text ending in a newline has an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// The byte range of 0-based line `line`, without its newline.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let starts = self.line_starts();
        let start = starts[line] as usize;
        let end = match starts.get(line + 1) {
            Some(&next) => next as usize - 1,
            None => self.text.len(),
        };
        start..end
    }

    pub fn display_name(&self) -> String {
        match &self.origin {
            Origin::File(p) => p.display().to_string(),
            Origin::Text(name) => name.clone(),
        }
    }
}

#[derive(Default)]
struct SourceMap {
    files: Vec<Rc<SourceFile>>,
}

thread_local! {
    static SOURCES: RefCell<SourceMap> = RefCell::new(SourceMap::default());
}

/// Registers a source text and returns its id.
pub fn add_source(origin: Origin, text: Rc<str>) -> FileId {
    SOURCES.with(|s| {
        let mut s = s.borrow_mut();
        s.files.push(Rc::new(SourceFile::new(origin, text)));
        FileId(s.files.len() as u32 - 1)
    })
}

pub fn source(file: FileId) -> Rc<SourceFile> {
    SOURCES.with(|s| s.borrow().files[file.0 as usize].clone())
}

/// `file:line:col` for a span's start, the form Nix prints after `at`.
pub fn describe_position(span: Span) -> String {
    let f = source(span.file);
    let (line, col) = f.line_col(span.start);
    format!("{}:{}:{}", f.display_name(), line, col)
}

/// The span of the word (attribute path, or quoted attribute name) at 1-based `line` and `column`
/// of the file read from `path`: how positions recorded as `{ file, line, column }` (what
/// `unsafeGetAttrPos` returns) find their way back into diagnostics. None when no source of
/// that name was read or the position lies outside it.
pub fn span_of_word_at(path: &str, line: u32, column: u32) -> Option<Span> {
    SOURCES.with(|s| {
        let s = s.borrow();
        let (id, file) = s
            .files
            .iter()
            .enumerate()
            .rev()
            .find(|(_, f)| matches!(&f.origin, Origin::File(p) if p.as_os_str() == path))?;
        let line_start = *file.line_starts().get(line.checked_sub(1)? as usize)?;
        let start = line_start.checked_add(column.checked_sub(1)?)?;
        let bytes = file.text.as_bytes();
        if start as usize >= bytes.len() {
            return None;
        }
        let rest = &bytes[start as usize..];
        let len = if rest[0] == b'"' {
            // A quoted name: up to the closing quote (escapes included).
            let mut i = 1;
            while i < rest.len() && rest[i] != b'"' && rest[i] != b'\n' {
                i += if rest[i] == b'\\' { 2 } else { 1 };
            }
            (i + 1).min(rest.len())
        } else {
            rest.iter()
                // A whole attribute path: `networking.hostName`.
                .take_while(|&&b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'\'' | b'.')
                })
                .count()
                .max(1)
        };
        Some(Span::new(FileId(id as u32), start, start + len as u32))
    })
}

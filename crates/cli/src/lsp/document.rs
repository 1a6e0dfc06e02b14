//! Open documents: their text, analysis, and conversions between LSP positions (UTF-16) and
//! byte offsets, and between `file://` URIs and paths.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};
use ntop_eval::check::PathLiteral;
use ntop_eval::check::TextRange;
use ntop_eval::check::{self, Analysis, BindingId, Reference};
use ntop_eval::source::{add_source, FileId, Origin};

pub struct Document {
    pub uri: Uri,
    /// The file on disk, for `file://` documents.
    pub path: Option<PathBuf>,
    pub text: String,
    pub version: i32,
    pub analysis: Analysis,
    /// The id spans are reported in; registered once per open document (the source map is not
    /// consulted: positions come from `text`), so edits leak nothing.
    file: FileId,
    line_starts: Vec<usize>,
}

/// What is under the cursor.
pub enum Found<'a> {
    /// `builtins.NAME`: the name and its range.
    BuiltinSelect(&'a str, TextRange),
    Reference(&'a Reference),
    /// The name of a binding where it is defined.
    Binding(BindingId),
    Path(&'a PathLiteral),
}

impl Document {
    pub fn new(uri: Uri, text: String, version: i32) -> Document {
        let path = uri_to_path(&uri);
        let origin = match &path {
            Some(p) => Origin::File(p.clone()),
            None => Origin::Text(uri.as_str().to_string()),
        };
        let file = add_source(origin, "".into());
        let analysis = check::analyse(file, &text);
        let line_starts = line_starts(&text);
        Document {
            uri,
            path,
            text,
            version,
            analysis,
            file,
            line_starts,
        }
    }

    pub fn update(&mut self, text: String, version: i32) {
        self.analysis = check::analyse(self.file, &text);
        self.line_starts = line_starts(&text);
        self.text = text;
        self.version = version;
    }

    /// The byte offset of an LSP position (UTF-16 columns); positions past the end of a line
    /// are clamped to it.
    pub fn offset(&self, pos: Position) -> Option<u32> {
        let start = *self.line_starts.get(pos.line as usize)?;
        let line = self.text[start..].split('\n').next().unwrap_or("");
        let mut units = 0u32;
        for (i, c) in line.char_indices() {
            if units >= pos.character {
                return Some((start + i) as u32);
            }
            units += c.len_utf16() as u32;
        }
        Some((start + line.len()) as u32)
    }

    pub fn position(&self, offset: u32) -> Position {
        let mut offset = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let character = self.text[start..offset]
            .chars()
            .map(|c| c.len_utf16() as u32)
            .sum();
        Position::new(line as u32, character)
    }

    pub fn range(&self, start: u32, end: u32) -> Range {
        Range::new(self.position(start), self.position(end))
    }

    pub fn text_range(&self, r: TextRange) -> Range {
        self.range(r.start().into(), r.end().into())
    }

    pub fn slice(&self, r: TextRange) -> &str {
        self.text
            .get(usize::from(r.start())..usize::from(r.end()))
            .unwrap_or("")
    }

    /// The name, reference or path literal at `offset` (a cursor right after a name is on it).
    pub fn find(&self, offset: u32) -> Option<Found<'_>> {
        let on = |r: TextRange| u32::from(r.start()) <= offset && offset <= u32::from(r.end());
        let index = &self.analysis.index;
        if let Some((r, name)) = index.builtin_selects.iter().find(|(r, _)| on(*r)) {
            return Some(Found::BuiltinSelect(name, *r));
        }
        if let Some(r) = index.references.iter().find(|r| on(r.range)) {
            return Some(Found::Reference(r));
        }
        if let Some(b) = index.bindings.iter().position(|b| on(b.name_range)) {
            return Some(Found::Binding(b));
        }
        index.paths.iter().find(|p| on(p.range)).map(Found::Path)
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The path of a `file://` URI, percent-decoded.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path`: only the local host (empty or `localhost`) is a path here.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = rest
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = hex {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(out)))
}

/// The `file://` URI of an absolute path, percent-encoded.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    use std::os::unix::ffi::OsStrExt;
    let mut s = String::from("file://");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&s).ok()
}

//! `textDocument/definition`: the binding a name refers to, and the file a path literal names
//! (`imports = [ ./x.nix ]`, `import ./dir` → `./dir/default.nix`).

use std::path::{Path, PathBuf};

use lsp_types::{GotoDefinitionResponse, Location, Position, Range};
use ntop_eval::check::Target;

use super::document::{path_to_uri, Document, Found};

pub fn definition(doc: &Document, offset: u32) -> Option<GotoDefinitionResponse> {
    let location = match doc.find(offset)? {
        Found::Reference(r) => match r.target {
            Target::Binding(b) => binding_location(doc, b),
            _ => return None,
        },
        Found::Binding(b) => binding_location(doc, b),
        Found::Path(p) => {
            let base = doc.path.as_deref().and_then(Path::parent)?;
            let target = resolve(base, &p.text)?;
            let start = Position::new(0, 0);
            Location::new(path_to_uri(&target)?, Range::new(start, start))
        }
        Found::BuiltinSelect(..) => return None,
    };
    Some(GotoDefinitionResponse::Scalar(location))
}

fn binding_location(doc: &Document, b: usize) -> Location {
    let range = doc.analysis.index.bindings[b].name_range;
    Location::new(doc.uri.clone(), doc.text_range(range))
}

/// The file a path literal names, as `import` would read it: relative to the document's
/// directory, `~` from `$HOME`, a directory meaning its `default.nix`.
fn resolve(base: &Path, text: &str) -> Option<PathBuf> {
    let path = if let Some(rest) = text.strip_prefix("~/") {
        PathBuf::from(std::env::var_os("HOME")?).join(rest)
    } else if text.starts_with('/') {
        PathBuf::from(text)
    } else {
        base.join(text)
    };
    // `./x` and `..` resolved lexically, as Nix's parser does.
    let path = ntop_eval::canonicalize_lexically(&path);
    let path = if path.is_dir() {
        path.join("default.nix")
    } else {
        path
    };
    path.exists().then_some(path)
}

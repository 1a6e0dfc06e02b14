//! String coercion: what `"${x}"`, `toString x` and `+` make of non-string values.

use super::Machine;
use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::source::Span;
use crate::value::{Context, Value};

#[derive(Clone, Copy, Debug)]
pub struct CoerceMode {
    /// Also coerce numbers, Booleans, null and lists (`toString`, derivation attributes).
    pub coerce_more: bool,
    /// Paths are copied into the store and the store path used (interpolation).
    pub copy_to_store: bool,
}

impl CoerceMode {
    pub const INTERPOLATION: CoerceMode = CoerceMode {
        coerce_more: false,
        copy_to_store: true,
    };
    pub const PATH_APPEND: CoerceMode = CoerceMode {
        coerce_more: false,
        copy_to_store: false,
    };
    pub const TO_STRING: CoerceMode = CoerceMode {
        coerce_more: true,
        copy_to_store: false,
    };
    pub const DERIVATION_ATTR: CoerceMode = CoerceMode {
        coerce_more: true,
        copy_to_store: true,
    };
}

impl Machine {
    /// Coerces a value to string bytes, adding the string contexts it carries to `context`.
    pub fn coerce_to_string(
        &mut self,
        v: &Value,
        span: Span,
        mode: CoerceMode,
        context: &mut Context,
    ) -> EvalResult<Vec<u8>> {
        let v = self.force(v, span)?;
        match &v {
            Value::String(s) => {
                context.extend(s.context());
                Ok(s.as_bytes().to_vec())
            }
            Value::Path(p) => {
                if mode.copy_to_store {
                    let store_path = self.copy_path_to_store(p, span)?;
                    context.insert(&store_path);
                    Ok(store_path.into_bytes())
                } else {
                    Ok(p.as_os_str().as_encoded_bytes().to_vec())
                }
            }
            Value::Attrs(a) => {
                if let Some(f) = a.get(crate::sym!("__toString")) {
                    let f = f.clone();
                    let f = self.force(&f, span)?;
                    let result = self.call(f, v.clone(), span)?;
                    return self.coerce_to_string(&result, span, mode, context);
                }
                match a.get(crate::sym!("outPath")) {
                    Some(out) => {
                        let out = out.clone();
                        self.coerce_to_string(&out, span, mode, context)
                    }
                    None => Err(self.cannot_coerce(&v, span)),
                }
            }
            Value::Bool(b) if mode.coerce_more => Ok(if *b { b"1".to_vec() } else { Vec::new() }),
            Value::Int(i) if mode.coerce_more => Ok(i.to_string().into_bytes()),
            Value::Float(f) if mode.coerce_more => Ok(format!("{f:.6}").into_bytes()),
            Value::Null if mode.coerce_more => Ok(Vec::new()),
            Value::List(items) if mode.coerce_more => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let item = self.force(item, span)?;
                    out.extend(self.coerce_to_string(&item, span, mode, context)?);
                    // Nix separates elements with a space, except after an empty list.
                    let empty_list = matches!(&item, Value::List(l) if l.is_empty());
                    if i + 1 < items.len() && !empty_list {
                        out.push(b' ');
                    }
                }
                Ok(out)
            }
            _ => Err(self.cannot_coerce(&v, span)),
        }
    }

    fn cannot_coerce(&self, v: &Value, span: Span) -> EvalError {
        EvalError::new(
            ErrorKind::CannotCoerce {
                found: v.type_phrase(),
            },
            span,
        )
    }

    /// Copies a path into the store once and returns the store path (path interpolation):
    /// the whole tree, NAR-hashed, named after its last component.
    pub fn copy_path_to_store(&mut self, path: &std::path::Path, span: Span) -> EvalResult<String> {
        if let Some(p) = self.copied_paths.get(path) {
            return Ok(p.clone());
        }
        if path.as_os_str().as_encoded_bytes().ends_with(b".drv") {
            return Err(EvalError::other(
                "eval::drv_file_name",
                "file names are not allowed to end in '.drv'",
                span,
            ));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let store = self.store_access(
            &format!("cannot copy '{}' to the store", path.display()),
            span,
        )?;
        let added = store
            .add_path(
                path,
                &name,
                ntop_store::IngestionMethod::Recursive,
                &mut |_| true,
            )
            .map_err(|e| crate::store::store_error(e, span))?;
        let result = store.store_dir().print(&added);
        self.copied_paths.insert(path.to_path_buf(), result.clone());
        Ok(result)
    }
}

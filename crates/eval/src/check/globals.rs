//! The names every file sees without binding them, known without building a `Machine`.
//!
//! The evaluator's global scope is `builtins::globals`, which needs a machine (its values are
//! real builtins). Static analysis needs only the names; they are rebuilt here from the same public
//! tables (`GLOBAL_NAMES`, the builtin names), and a test checks that both agree.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::builtins;

/// Every global name: `builtins`, the plain globals, and `__name` for every builtin.
pub fn names() -> &'static HashSet<String> {
    static NAMES: OnceLock<HashSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut set: HashSet<String> = builtins::GLOBAL_NAMES
            .iter()
            .map(|s| s.to_string())
            .collect();
        for name in builtins::NIX_2_8_NAMES
            .iter()
            .copied()
            .chain(builtins::all_names())
        {
            set.insert(format!("__{name}"));
        }
        set
    })
}

pub fn is_global(name: &str) -> bool {
    names().contains(name)
}

/// The name of a builtin an identifier refers to when it is global: `map` and `__map` both
/// name `map`.
pub fn builtin_name(global: &str) -> &str {
    global.strip_prefix("__").unwrap_or(global)
}

/// The global names whose shadowing also changes what an operator means.
pub fn desugaring_of(name: &str) -> Option<&'static str> {
    Some(match name {
        "__sub" => "'-' (subtraction and negation)",
        "__mul" => "'*'",
        "__div" => "'/'",
        "__lessThan" => "'<', '<=', '>' and '>='",
        "__findFile" | "__nixPath" => "'<…>' search paths",
        _ => return None,
    })
}

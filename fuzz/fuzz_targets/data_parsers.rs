//! The parsers of data that come from outside: `builtins.fromJSON` and `builtins.fromTOML`
//! (the input as the string they parse, any bytes), the ATerm of `.drv` files, and NAR
//! archives (unpacked into a scratch directory). The first byte chooses the parser. Any input
//! must end in a value or an error, never a panic, an abort or a stack overflow.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use ntop_eval::io::StdIO;
use ntop_eval::source::{add_source, Origin, Span};
use ntop_eval::{Machine, Value};
use ntop_store::StoreDir;

fuzz_target!(|data: &[u8]| {
    let Some((&which, input)) = data.split_first() else { return };
    match which % 4 {
        0 => from_data("builtins.fromJSON", input),
        1 => from_data("builtins.fromTOML", input),
        2 => {
            if let Ok(store_dir) = StoreDir::new("/nix/store") {
                let _ = ntop_store::Derivation::from_aterm(input, "fuzz.drv", &store_dir);
            }
        }
        _ => unpack_nar(input),
    }
});

/// Applies the builtin `function` to `input` as a string and forces the result deeply.
fn from_data(function: &str, input: &[u8]) {
    let mut m = Machine::builder(Box::new(StdIO)).build();
    let span = Span::new(add_source(Origin::Text("fuzz".into()), "".into()), 0, 0);
    let Ok(f) = m.eval_source("fuzz", function, Path::new("/nonexistent")) else { return };
    if let Ok(v) = m.call(f, Value::string(input), span) {
        let _ = m.force_deep(&v, span);
    }
}

/// Restores `input` as a NAR into a fresh scratch directory, then removes it.
fn unpack_nar(input: &[u8]) {
    let Ok(scratch) = tempfile::tempdir() else { return };
    let _ = ntop_store::nar::restore(input, &scratch.path().join("out"));
}

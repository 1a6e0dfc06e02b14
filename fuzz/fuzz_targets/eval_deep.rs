//! Evaluation of arbitrary bytes (decoded as the evaluator decodes files: bytes that are not
//! UTF-8 become U+FFFD) with the evaluator's own limits — the default depth limit, no
//! 50 k-step cap — so that deeply nested inputs (the seeds of `fuzz/seeds.sh`: a million
//! brackets, parentheses, `let`s, attribute paths, interpolations) reach every recursive walk:
//! parsing, lowering, evaluation, deep forcing, printing, JSON and XML. A step budget of
//! 10 M (about a second) keeps exponential programs from counting as findings; libFuzzer's
//! `-timeout` is the wall-clock guard that reports anything slower (a quadratic walk).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ntop_eval::io::StdIO;
use ntop_eval::print::{print_value, PrintMode};
use ntop_eval::source::{add_source, Origin, Span};
use ntop_eval::{EvalOptions, Machine};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Literals of seven digits or more make `genList`-style builtins allocate without
    // evaluating; the step budget bounds time, this bounds memory.
    if text.as_bytes().windows(7).any(|w| w.iter().all(u8::is_ascii_digit)) {
        return;
    }
    let options = EvalOptions { max_steps: Some(10_000_000), ..EvalOptions::default() };
    let mut m = Machine::builder(Box::new(StdIO)).options(options).build();
    let span = Span::new(add_source(Origin::Text("fuzz".into()), "".into()), 0, 0);
    let nowhere = std::path::Path::new("/nonexistent");
    if let Ok(v) = m.eval_source("fuzz", &text, nowhere) {
        if let Ok(v) = m.force_deep(&v, span) {
            let _ = print_value(&v, PrintMode::Lazy);
            for serialise in ["builtins.toJSON", "builtins.toXML"] {
                if let Ok(f) = m.eval_source("fuzz", serialise, nowhere) {
                    let _ = m.call(f, v.clone(), span);
                }
            }
        }
    }
    drop(m);
});

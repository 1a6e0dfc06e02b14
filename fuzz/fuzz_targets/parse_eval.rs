//! Parses and evaluates arbitrary bytes under a step and depth budget: any input must end in a
//! value or an error, never a crash, hang or stack overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ntop_eval::io::StdIO;
use ntop_eval::source::{add_source, Origin, Span};
use ntop_eval::{EvalOptions, Machine};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Huge literals make `genList`-style builtins allocate without evaluating; the step budget
    // bounds time, this bounds memory.
    if text.as_bytes().windows(7).any(|w| w.iter().all(u8::is_ascii_digit)) {
        return;
    }
    let options = EvalOptions { max_steps: Some(50_000), max_depth: 10_000, ..EvalOptions::default() };
    let mut m = Machine::builder(Box::new(StdIO)).options(options).build();
    if let Ok(v) = m.eval_source("fuzz", text, std::path::Path::new("/nonexistent")) {
        let span = Span::new(add_source(Origin::Text("fuzz".into()), "".into()), 0, 0);
        let _ = m.force_deep(&v, span);
    }
    drop(m);
});

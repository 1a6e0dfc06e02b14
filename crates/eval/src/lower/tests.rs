//! Scope-resolution tests: each case lowers a snippet and shows how every variable was
//! resolved (`name@depth.slot`, `name@with[depths]`, `builtin`), the `check(src, expect)` way.
//! The expectations follow from Nix's scoping rules (the manual's "Scoping" and `with`
//! sections), worked out by hand.

use std::collections::HashMap;
use std::path::Path;

use crate::ir::*;
use crate::lower::code::Code;
use crate::lower::{lower, LowerContext};
use crate::source::{add_source, Origin};
use crate::symbol::Symbol;
use crate::value::Value;

fn dump(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Var(v) => out.push(format!("@{}.{}", v.depth, v.index)),
        Expr::WithVar(w) => out.push(format!("{}@with{:?}", w.name, w.with_depths)),
        Expr::Const(Value::PrimOp(p)) | Expr::Resolved(Value::PrimOp(p)) => {
            out.push(format!("builtin:{}", p.name))
        }
        Expr::Const(_) | Expr::Resolved(_) | Expr::CurPos(_) => {}
        Expr::Lambda(l) => {
            if let Param::Formals(f) = &l.param {
                for d in f.entries.iter().filter_map(|e| e.default) {
                    dump(d, out);
                }
            }
            dump(l.body, out)
        }
        Expr::Call(c) => {
            dump(c.function, out);
            c.args.iter().for_each(|a| dump(a, out));
        }
        Expr::Attrs(a) => dump_bindings(&a.bindings, out),
        Expr::List(items) => items.iter().for_each(|i| dump(i, out)),
        Expr::Select(s) => {
            dump(s.expr, out);
            if let Some(d) = s.default {
                dump(d, out);
            }
        }
        Expr::HasAttr(h) => dump(h.expr, out),
        Expr::Let(l) => {
            dump_bindings(&l.bindings, out);
            dump(l.body, out);
        }
        Expr::With(w) => {
            dump(w.namespace, out);
            dump(w.body, out);
        }
        Expr::If(i) => [i.cond, i.then, i.otherwise]
            .iter()
            .for_each(|e| dump(e, out)),
        Expr::Assert(a) => [a.cond, a.body].iter().for_each(|e| dump(e, out)),
        Expr::Not(e, _) => dump(e, out),
        Expr::Binary(b) => [b.lhs, b.rhs].iter().for_each(|e| dump(e, out)),
        Expr::Concat(c) => c.parts.iter().for_each(|(e, _)| dump(e, out)),
    }
}

fn dump_bindings(b: &Bindings, out: &mut Vec<String>) {
    b.inherit_sources.iter().for_each(|e| dump(e, out));
    for s in b.statics.iter() {
        match &s.value {
            BindingValue::Expr(e) | BindingValue::Inherit(e) => dump(e, out),
            BindingValue::InheritFrom { source, .. } => out.push(format!("from#{source}")),
        }
    }
}

fn check(src: &str, expect: &str) {
    let file = add_source(Origin::Text("test".into()), src.into());
    let ast = crate::parse::parse_fast(src).expect("parses");
    let mut globals = HashMap::new();
    for name in ["map", "true", "__sub"] {
        let op = crate::builtins::find(name.trim_start_matches("__"))
            .map(Value::PrimOp)
            .unwrap_or(Value::Bool(true));
        globals.insert(Symbol::new(name), op);
    }
    let ctx = LowerContext {
        file,
        base_dir: Path::new("/"),
        home: None,
        globals: &globals,
        outer_frame: None,
    };
    let code = Code::new();
    let result = lower(&ctx, src, &ast, &code);
    let got = match result {
        Ok(e) => {
            let mut out = Vec::new();
            dump(e, &mut out);
            out.join(" ")
        }
        Err(errors) => errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("; "),
    };
    assert_eq!(got, expect, "for {src}");
}

#[test]
fn let_bindings_are_slots_in_name_order() {
    // Slots are in name order: a=0, b=1; the body sees them at depth 0.
    check("let b = a; a = 1; in [ a b ]", "@0.0 @0.0 @0.1");
}

#[test]
fn lambda_formals_and_at_pattern() {
    // Formals in source order then the @-binding: y=0, x=1, args=2. `y ? x` sees the frame.
    check("{ y ? x, x }@args: [ x args ]", "@0.1 @0.1 @0.2");
}

#[test]
fn nested_lambdas_count_depth() {
    check("x: y: [ x y ]", "@1.0 @0.0");
}

#[test]
fn inherit_in_rec_refers_outside() {
    // `inherit x` inside `rec` is the outer x (depth 1), not the set's own slot.
    check("x: rec { inherit x; y = x; }", "@1.0 @0.0");
}

#[test]
fn lexical_bindings_beat_with() {
    // An inner `with` never shadows a lambda argument.
    check("x: with { x = 1; }; x", "@1.0");
    // Only names no scope binds come from `with`, innermost first.
    // Inside `with a;` the `with` is a frame too, so `b` is at depth 1; `z` tries `with b`
    // (depth 0) first, then `with a` (depth 1).
    check("a: b: with a; with b; z", "@1.0 @1.0 z@with[0, 1]");
}

#[test]
fn builtins_beat_with() {
    // `map` is a global (lexical) name: `with` cannot shadow it.
    check("with { map = 1; }; map", "builtin:map");
}

#[test]
fn undefined_variables_are_reported_at_parse_time() {
    check("let a = 1; in b", "undefined variable 'b'");
    check("x: with x; y", "@0.0 y@with[0]");
}

#[test]
fn unary_minus_calls_sub_when_shadowed() {
    // Unshadowed, `-x` is the direct subtraction `0 - x`.
    check("x: -x", "@0.0");
    // Shadowed, it calls the lexical `__sub`, as Nix's desugaring does.
    check("__sub: -1", "@0.0");
}

#[test]
fn attribute_paths_merge() {
    check("{ a.b = 1; a.c = 2; }", "");
    check("{ a = { b = 1; }; a.c = 2; }", "");
    check(
        "{ a = 1; a.c = 2; }",
        "attribute 'a' already defined at test:1:3",
    );
}

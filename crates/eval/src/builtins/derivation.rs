//! Derivations: the `derivationStrict` primop, which turns an attribute set into a `.drv` file
//! in the store, and `derivation`, the Nix function around it (`derivation.nix`).
//!
//! The rules are Nix 2.8's: attributes are processed in name order; `args` becomes the
//! builder's arguments; every other attribute goes into the environment as a string
//! (`CoerceMode::DERIVATION_ATTR`: lists space-joined, `true` as `1`, paths copied to the store)
//! or, with `__structuredAttrs`, into one JSON text in `__json`. The string contexts of all of
//! them become the inputs: `!out!drv` an output of an input derivation, `=drv` the derivation
//! with its whole closure, and plain paths input sources. The store crate's
//! `finish_derivation` then computes output paths from the hash modulo.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use ntop_store::{
    downstream_placeholder, finish_derivation, Derivation, DerivationOutput, Hash, HashAlgo,
    IngestionMethod,
};

use super::PrimOp;
use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::{CoerceMode, Machine};
use crate::source::{Origin, Span};
use crate::store::{store_error, ContextElem};
use crate::symbol::Symbol;
use crate::thunk::Thunk;
use crate::value::{Attrs, Context, NixString, Value};

pub static PRIMOPS: &[PrimOp] = &[PrimOp {
    name: "derivationStrict",
    arity: 1,
    doc: "Instantiates a derivation: writes its `.drv` file and returns `{ drvPath; <output> = path; … }`.",
    func: derivation_strict,
}];

/// The source of `derivation`.
const DERIVATION_NIX: &str = include_str!("derivation.nix");
const DERIVATION_NIX_NAME: &str = "//builtin/derivation.nix";

/// The value of `derivation`: a thunk that evaluates `derivation.nix` (to a lambda) when first
/// used.
pub fn derivation_function() -> Value {
    Value::Thunk(Thunk::native(Rc::new(|m: &mut Machine| {
        let expr = m.compile(
            Origin::File(PathBuf::from(DERIVATION_NIX_NAME)),
            DERIVATION_NIX.into(),
            Path::new("/"),
            None,
        )?;
        let env = m.root_env().clone();
        m.eval(expr, &env)
    })))
}

/// Evaluates `derivation` (a lambda) as soon as the globals exist, as Nix does at start-up, so
/// that it is a function value wherever it is used.
pub(crate) fn init(m: &mut Machine) {
    if let Some(v) = m.globals().get(&crate::sym!("derivation")).cloned() {
        let at = Span::new(
            crate::source::add_source(Origin::Text("«ntop»".into()), "".into()),
            0,
            0,
        );
        // It is our own code: it cannot fail, and if it did, using `derivation` would report it.
        let _ = m.force(&v, at);
    }
}

/// What the attributes say beyond the environment.
#[derive(Default)]
struct Collected {
    output_hash: Option<String>,
    output_hash_algo: String,
    hash_mode: Option<IngestionMethod>,
    outputs: Option<Vec<String>>,
    content_addressed: bool,
    impure: bool,
}

fn derivation_strict(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let attrs = m.force_attrs(&args[0], span)?;
    let Some(name_entry) = attrs.get_entry(crate::sym!("name")) else {
        return Err(EvalError::new(
            ErrorKind::RequiredAttribute {
                name: "name".into(),
                function: Some("derivationStrict"),
            },
            attrs.pos().unwrap_or(span),
        ));
    };
    let pos_name = name_entry.pos.unwrap_or(span);
    let name = m
        .force_string_no_context(&name_entry.value.clone(), span)
        .map_err(|e| {
            e.with_frame(
                Some(pos_name),
                "while evaluating the derivation attribute 'name'",
            )
        })?
        .to_str_lossy()
        .into_owned();

    let structured = match attrs.get(crate::sym!("__structuredAttrs")) {
        Some(v) => m.force_bool(&v.clone(), span)?,
        None => false,
    };
    let ignore_nulls = match attrs.get(crate::sym!("__ignoreNulls")) {
        Some(v) => m.force_bool(&v.clone(), span)?,
        None => false,
    };

    let mut drv = Derivation {
        name: name.clone(),
        ..Derivation::default()
    };
    let mut context = Context::default();
    let mut c = Collected::default();
    let mut json: Option<String> = structured.then(|| String::from("{"));

    for entry in attrs.entries() {
        let key = entry.name.as_str();
        if key == "__ignoreNulls" {
            continue;
        }
        let pos = entry.pos.unwrap_or(pos_name);
        let result = process_attr(
            m,
            key,
            &entry.value,
            pos,
            pos_name,
            span,
            ignore_nulls,
            &mut json,
            &mut drv,
            &mut c,
            &mut context,
        );
        result.map_err(|e| {
            e.with_frame(
                Some(pos_name),
                format!("while evaluating the attribute '{key}' of the derivation '{name}'"),
            )
        })?;
    }
    if let Some(mut text) = json {
        text.push('}');
        drv.env.insert("__json".into(), text.into_bytes());
    }

    add_inputs(m, &context, &mut drv, span)?;

    if drv.builder.is_empty() {
        return Err(error_at("required attribute 'builder' missing", pos_name));
    }
    if drv.system.is_empty() {
        return Err(error_at("required attribute 'system' missing", pos_name));
    }
    if name.ends_with(".drv") {
        return Err(error_at(
            "derivation names are not allowed to end in '.drv'",
            pos_name,
        ));
    }

    let outputs = c.outputs.clone().unwrap_or_else(|| vec!["out".to_owned()]);
    if let Some(hash_text) = &c.output_hash {
        if outputs.len() != 1 || outputs[0] != "out" {
            return Err(error_at(
                "multiple outputs are not supported in fixed-output derivations",
                pos_name,
            ));
        }
        let algo = HashAlgo::from_name(&c.output_hash_algo);
        let (hash, was_empty) =
            Hash::parse_allow_empty(hash_text, algo).map_err(|e| store_error(e, pos_name))?;
        if was_empty {
            m.observer
                .warn(&format!("found empty hash, assuming '{}'", hash.to_sri()));
        }
        let method = c.hash_mode.unwrap_or(IngestionMethod::Flat);
        drv.outputs
            .insert("out".into(), DerivationOutput::CaFixed { method, hash });
    } else if c.content_addressed || c.impure {
        if c.content_addressed && c.impure {
            return Err(error_at(
                "derivation cannot be both content-addressed and impure",
                pos_name,
            ));
        }
        let algo = HashAlgo::from_name(&c.output_hash_algo).unwrap_or(HashAlgo::Sha256);
        let method = c.hash_mode.unwrap_or(IngestionMethod::Recursive);
        for o in &outputs {
            let output = if c.impure {
                DerivationOutput::Impure { method, algo }
            } else {
                DerivationOutput::CaFloating { method, algo }
            };
            drv.outputs.insert(o.clone(), output);
        }
    } else {
        for o in &outputs {
            drv.outputs.insert(o.clone(), DerivationOutput::Deferred);
        }
    }

    let store_dir = m.store_dir();
    m.store_access("cannot instantiate a derivation", span)?;
    let Some(store) = m.store.as_deref_mut() else {
        return Err(error_at("no store", span));
    };
    let (drv_path, text) = finish_derivation(&store_dir, &mut drv, &mut m.drv_hashes, &mut |p| {
        store.read_derivation(p)
    })
    .map_err(|e| store_error(e, pos_name))?;
    store
        .write_derivation(&drv, &text)
        .map_err(|e| store_error(e, pos_name))?;

    let drv_path_s = store_dir.print(&drv_path);
    let mut result = Attrs::with_capacity(drv.outputs.len() + 1);
    result.insert(
        crate::sym!("drvPath"),
        Value::String(NixString::new(
            drv_path_s.as_bytes(),
            Context::from_elements([format!("={drv_path_s}").as_str()]),
        )),
        None,
    );
    for (o, output) in &drv.outputs {
        let path = match output
            .path(&store_dir, &drv.name, o)
            .map_err(|e| store_error(e, pos_name))?
        {
            Some(p) => store_dir.print(&p),
            None => downstream_placeholder(&drv_path, o),
        };
        let ctx = Context::from_elements([format!("!{o}!{drv_path_s}").as_str()]);
        // An output named `drvPath` does not replace the derivation's path.
        if o != "drvPath" {
            result.insert(
                Symbol::new(o),
                Value::String(NixString::new(path.as_bytes(), ctx)),
                None,
            );
        }
    }
    Ok(Value::attrs(result))
}

fn error_at(message: &str, span: Span) -> EvalError {
    EvalError::new(ErrorKind::InvalidDerivation(message.to_owned()), span)
}

/// Handles one attribute of the derivation (Nix's loop body in `prim_derivationStrict`).
#[allow(clippy::too_many_arguments)]
fn process_attr(
    m: &mut Machine,
    key: &str,
    value: &Value,
    pos: Span,
    pos_name: Span,
    span: Span,
    ignore_nulls: bool,
    json: &mut Option<String>,
    drv: &mut Derivation,
    c: &mut Collected,
    context: &mut Context,
) -> EvalResult<()> {
    if ignore_nulls && matches!(m.force(value, span)?, Value::Null) {
        return Ok(());
    }
    match key {
        "__contentAddressed" => {
            c.content_addressed = m.force_bool(value, span)?;
            if c.content_addressed {
                require_feature(m, "ca-derivations", span)?;
            }
            return Ok(());
        }
        "__impure" => {
            c.impure = m.force_bool(value, span)?;
            if c.impure {
                require_feature(m, "impure-derivations", span)?;
            }
            return Ok(());
        }
        "args" => {
            let list = m.force_list(value, span)?;
            for item in list.iter() {
                let s = m.coerce_to_string(item, pos_name, CoerceMode::DERIVATION_ATTR, context)?;
                drv.args.push(s);
            }
            return Ok(());
        }
        _ => {}
    }
    if let Some(out) = json.as_mut() {
        if key == "__structuredAttrs" {
            return Ok(());
        }
        if out.len() > 1 {
            out.push(',');
        }
        crate::json::escape_json(out, key.as_bytes());
        out.push(':');
        crate::json::json_into(m, value, span, out, context)?;
        let no_ctx = |m: &mut Machine| -> EvalResult<String> {
            Ok(m.force_string_no_context(value, pos_name)?
                .to_str_lossy()
                .into_owned())
        };
        match key {
            "builder" => {
                let s = m.force_string(value, pos_name)?;
                context.extend(s.context());
                drv.builder = s.as_bytes().to_vec();
            }
            "system" => drv.system = no_ctx(m)?.into_bytes(),
            "outputHash" => c.output_hash = Some(no_ctx(m)?),
            "outputHashAlgo" => c.output_hash_algo = no_ctx(m)?,
            "outputHashMode" => c.hash_mode = Some(hash_mode(&no_ctx(m)?, pos_name)?),
            "outputs" => {
                let list = m.force_list(value, pos_name)?;
                let mut names = Vec::with_capacity(list.len());
                for item in list.iter() {
                    names.push(
                        m.force_string_no_context(item, pos_name)?
                            .to_str_lossy()
                            .into_owned(),
                    );
                }
                c.outputs = Some(check_outputs(names, pos_name)?);
            }
            _ => {}
        }
        return Ok(());
    }
    let s = m.coerce_to_string(value, pos, CoerceMode::DERIVATION_ATTR, context)?;
    let text = || String::from_utf8_lossy(&s).into_owned();
    match key {
        "builder" => drv.builder = s.clone(),
        "system" => drv.system = s.clone(),
        "outputHash" => c.output_hash = Some(text()),
        "outputHashAlgo" => c.output_hash_algo = text(),
        "outputHashMode" => c.hash_mode = Some(hash_mode(&text(), pos_name)?),
        "outputs" => {
            let names = text()
                .split([' ', '\t', '\n', '\r'])
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect();
            c.outputs = Some(check_outputs(names, pos_name)?);
        }
        _ => {}
    }
    drv.env.entry(key.to_owned()).or_insert(s);
    Ok(())
}

fn hash_mode(s: &str, pos_name: Span) -> EvalResult<IngestionMethod> {
    match s {
        "recursive" => Ok(IngestionMethod::Recursive),
        "flat" => Ok(IngestionMethod::Flat),
        _ => Err(error_at(
            &format!("invalid value '{s}' for 'outputHashMode' attribute"),
            pos_name,
        )),
    }
}

/// Output names as Nix checks them: no duplicates, at least one, and none that clashes with
/// `derivationStrict`'s own `drvPath`. Nix 2.8 refused only `drv` (its comment reasons that
/// `drvPath` would then clash) and so returned a set with two `drvPath` attributes for
/// `outputs = [ "drvPath" ]`; Nix 2.23 refuses `drvPath` (NixOS/nix commit 081faeda8c, "Forbid
/// drvPath in strictDerivation outputs attribute"). ntop refuses both: `drv` as the reference
/// does (`nix-fixtures/derivations/eval-fail-output-named-drv`), `drvPath` as newer Nix does.
fn check_outputs(names: Vec<String>, pos_name: Span) -> EvalResult<Vec<String>> {
    let mut seen = BTreeSet::new();
    for n in &names {
        if !seen.insert(n.as_str()) {
            return Err(error_at(
                &format!("duplicate derivation output '{n}'"),
                pos_name,
            ));
        }
        if n == "drv" || n == "drvPath" {
            return Err(error_at(
                &format!("invalid derivation output name '{n}'"),
                pos_name,
            ));
        }
    }
    if names.is_empty() {
        return Err(error_at(
            "derivation cannot have an empty set of outputs",
            pos_name,
        ));
    }
    Ok(names)
}

fn require_feature(m: &Machine, feature: &str, span: Span) -> EvalResult<()> {
    let enabled = ["experimental-features", "extra-experimental-features"]
        .iter()
        .filter_map(|k| m.options.settings.get(*k))
        .any(|v| v.split_whitespace().any(|f| f == feature));
    if enabled {
        return Ok(());
    }
    Err(EvalError::new(
        ErrorKind::ExperimentalFeature {
            feature: feature.to_owned(),
        },
        span,
    ))
}

/// Turns the collected string context into `inputDrvs` and `inputSrcs`.
fn add_inputs(
    m: &mut Machine,
    context: &Context,
    drv: &mut Derivation,
    span: Span,
) -> EvalResult<()> {
    let mut input_drvs: BTreeMap<_, BTreeSet<String>> = BTreeMap::new();
    for elem in context.iter() {
        match ContextElem::parse(elem) {
            ContextElem::AllOutputs(path) => {
                // The builder may see the whole dependency graph: every path of the closure is
                // an input source, and every derivation in it an input with all its outputs.
                let path = m.parse_store_path(path, span)?;
                for p in m.store_closure(path, span)? {
                    if p.is_derivation() {
                        let store = m.store_access("reading a derivation", span)?;
                        let d = store
                            .read_derivation(&p)
                            .map_err(|e| store_error(e, span))?;
                        input_drvs
                            .entry(p.clone())
                            .or_default()
                            .extend(d.outputs.keys().cloned());
                    }
                    drv.input_srcs.insert(p);
                }
            }
            ContextElem::Output { output, drv: path } => {
                let path = m.parse_store_path(path, span)?;
                input_drvs
                    .entry(path)
                    .or_default()
                    .insert(output.to_owned());
            }
            ContextElem::Plain(path) => {
                let path = m.parse_store_path(path, span)?;
                drv.input_srcs.insert(path);
            }
        }
    }
    drv.input_drvs = input_drvs;
    Ok(())
}

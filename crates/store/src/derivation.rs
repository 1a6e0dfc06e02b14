//! Store derivations: the data type, its hash modulo, and the computation of output and
//! `.drv` paths that `derivationStrict` performs.
//!
//! Strings that come from Nix values (system, builder, arguments, environment values) are
//! `Vec<u8>`: Nix strings are byte strings (a `readFile` of a binary, a source file in
//! Latin-1), and a `.drv` file must reproduce them byte for byte, so that the derivation's
//! path matches Nix's. Names (outputs, environment variables) are `String`: they are
//! attribute names, which ntop's evaluator keeps as text, and output names must be valid
//! store path name characters anyway.
//!
//! The derivation's `name` is kept beside the fields of the `.drv` file: the file does not
//! contain it (it is in the `.drv` path), but fixed-output paths are computed from it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::aterm::{self, method_algo, PrintOptions};
use crate::error::{Error, Result};
use crate::hash::{Hash, HashAlgo, HashEncoding};
use crate::store_path::{output_path_name, IngestionMethod, StoreDir, StorePath};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Derivation {
    /// The name, without `.drv`.
    pub name: String,
    pub outputs: BTreeMap<String, DerivationOutput>,
    /// Input derivations and the outputs of each that are used.
    pub input_drvs: BTreeMap<StorePath, BTreeSet<String>>,
    pub input_srcs: BTreeSet<StorePath>,
    pub system: Vec<u8>,
    pub builder: Vec<u8>,
    pub args: Vec<Vec<u8>>,
    pub env: BTreeMap<String, Vec<u8>>,
}

/// The kinds of outputs Nix 2.8 knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DerivationOutput {
    /// The path is computed from the derivation's hash modulo.
    InputAddressed(StorePath),
    /// The contents are known in advance (`outputHash`); the path follows from the hash.
    CaFixed { method: IngestionMethod, hash: Hash },
    /// Content-addressed, the hash known only after the build (`__contentAddressed`).
    CaFloating {
        method: IngestionMethod,
        algo: HashAlgo,
    },
    /// Input-addressed, but the path is not known yet: while the hash modulo is being
    /// computed, or when an input is floating content-addressed.
    Deferred,
    /// `__impure = true`.
    Impure {
        method: IngestionMethod,
        algo: HashAlgo,
    },
}

impl DerivationOutput {
    /// The output's store path if it is known before building.
    pub fn path(
        &self,
        store_dir: &StoreDir,
        drv_name: &str,
        output_name: &str,
    ) -> Result<Option<StorePath>> {
        match self {
            DerivationOutput::InputAddressed(path) => Ok(Some(path.clone())),
            DerivationOutput::CaFixed { method, hash } => {
                let name = output_path_name(drv_name, output_name);
                store_dir
                    .make_fixed_output_path(*method, hash, &name, &BTreeSet::new())
                    .map(Some)
            }
            _ => Ok(None),
        }
    }
}

/// The hash modulo of a derivation: one hash per output, and whether it is final.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrvHash {
    pub hashes: BTreeMap<String, Hash>,
    pub kind: DrvHashKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrvHashKind {
    /// The hash determines output paths.
    Regular,
    /// Depends on an output not known before building (floating CA or impure): output paths
    /// stay deferred.
    Deferred,
}

/// Which of Nix's derivation types the outputs make (Nix's `BasicDerivation::type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DerivationType {
    InputAddressed,
    Fixed,
    Floating,
    Impure,
}

impl Derivation {
    /// The `.drv` file's text.
    pub fn to_aterm(&self, store_dir: &StoreDir) -> Result<Vec<u8>> {
        aterm::print(self, store_dir, PrintOptions::default())
    }

    /// Parses a `.drv` file; `name` is the derivation's name (see [`Derivation::name`]).
    pub fn from_aterm(text: &[u8], name: &str, store_dir: &StoreDir) -> Result<Derivation> {
        aterm::parse(text, name, store_dir)
    }

    /// The store paths a `.drv` file refers to: its input sources and input derivations.
    pub fn references(&self) -> BTreeSet<StorePath> {
        let mut refs = self.input_srcs.clone();
        refs.extend(self.input_drvs.keys().cloned());
        refs
    }

    /// The `.drv` file's path and text: a text path named `<name>.drv` with the file's
    /// references (Nix's `writeDerivation` in read-only mode).
    pub fn store_path(&self, store_dir: &StoreDir) -> Result<(StorePath, Vec<u8>)> {
        let text = self.to_aterm(store_dir)?;
        let path = store_dir.compute_store_path_for_text(
            &format!("{}.drv", self.name),
            &text,
            &self.references(),
        )?;
        Ok((path, text))
    }

    fn kind(&self) -> Result<DerivationType> {
        let bad = |message: &str| {
            Err(Error::BadDerivation {
                message: message.to_owned(),
            })
        };
        let mut classes = BTreeSet::new();
        let mut floating_algo = None;
        for output in self.outputs.values() {
            classes.insert(match output {
                DerivationOutput::InputAddressed(_) => OutputClass::InputAddressed,
                DerivationOutput::Deferred => OutputClass::Deferred,
                DerivationOutput::CaFixed { .. } => OutputClass::Fixed,
                DerivationOutput::CaFloating { algo, .. } => {
                    if floating_algo.is_some_and(|a| a != *algo) {
                        return bad("all floating outputs must use the same hash type");
                    }
                    floating_algo = Some(*algo);
                    OutputClass::Floating
                }
                DerivationOutput::Impure { .. } => OutputClass::Impure,
            });
        }
        if classes.len() > 1 {
            return bad("can't mix derivation output types");
        }
        match classes.first() {
            None => bad("must have at least one output"),
            Some(OutputClass::InputAddressed | OutputClass::Deferred) => {
                Ok(DerivationType::InputAddressed)
            }
            Some(OutputClass::Fixed) if self.outputs.len() > 1 => {
                bad("only one fixed output is allowed for now")
            }
            Some(OutputClass::Fixed) if !self.outputs.contains_key("out") => {
                bad("single fixed output must be named \"out\"")
            }
            Some(OutputClass::Fixed) => Ok(DerivationType::Fixed),
            Some(OutputClass::Floating) => Ok(DerivationType::Floating),
            Some(OutputClass::Impure) => Ok(DerivationType::Impure),
        }
    }
}

/// The output kinds, for telling whether a derivation mixes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum OutputClass {
    InputAddressed,
    Deferred,
    Fixed,
    Floating,
    Impure,
}

/// The hash of a derivation "modulo" its fixed-output inputs, as Nix's
/// `hashDerivationModulo`:
///
/// * a fixed-output derivation's only output hashes to
///   `sha256("fixed:out:<r:?><algo>:<base16 hash>:<output path>")`, so that derivations
///   producing the same contents are interchangeable;
/// * an impure one hashes to `sha256("impure")` per output, deferred;
/// * otherwise the ATerm is hashed with each input derivation replaced by the base-16 hash
///   `resolve` gives for the outputs used; with `mask_outputs`, output paths and the
///   environment variables named after outputs are blanked.
///
/// `resolve` gives the hash modulo (unmasked) of an input derivation; [`DrvHashCache`] provides
/// a memoising one.
pub fn hash_derivation_modulo<F>(
    store_dir: &StoreDir,
    drv: &Derivation,
    mask_outputs: bool,
    resolve: &mut F,
) -> Result<DrvHash>
where
    F: FnMut(&StorePath) -> Result<DrvHash>,
{
    let per_output = |hash: &Hash| {
        drv.outputs
            .keys()
            .map(|o| (o.clone(), hash.clone()))
            .collect()
    };
    let mut kind = match drv.kind()? {
        DerivationType::Fixed => {
            let mut hashes = BTreeMap::new();
            for (name, output) in &drv.outputs {
                let DerivationOutput::CaFixed { method, hash } = output else {
                    continue;
                };
                let path = output
                    .path(store_dir, &drv.name, name)?
                    .map(|p| store_dir.print(&p))
                    .unwrap_or_default();
                let text = format!(
                    "fixed:out:{}:{}:{path}",
                    method_algo(*method, hash.algo()),
                    hash.to_base16()
                );
                hashes.insert(name.clone(), Hash::sha256(text.as_bytes()));
            }
            return Ok(DrvHash {
                hashes,
                kind: DrvHashKind::Regular,
            });
        }
        DerivationType::Impure => {
            return Ok(DrvHash {
                hashes: per_output(&Hash::sha256(b"impure")),
                kind: DrvHashKind::Deferred,
            });
        }
        DerivationType::Floating => DrvHashKind::Deferred,
        DerivationType::InputAddressed => DrvHashKind::Regular,
    };
    let mut replacements: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, outputs) in &drv.input_drvs {
        let input = resolve(path)?;
        if input.kind == DrvHashKind::Deferred {
            kind = DrvHashKind::Deferred;
        }
        for output in outputs {
            let hash = input
                .hashes
                .get(output)
                .ok_or_else(|| Error::BadDerivation {
                    message: format!(
                        "no hash for output '{output}' of derivation '{}'",
                        store_dir.print(path)
                    ),
                })?;
            replacements
                .entry(hash.to_base16())
                .or_default()
                .insert(output.clone());
        }
    }
    let options = PrintOptions {
        mask_outputs,
        input_replacements: Some(&replacements),
    };
    let hash = Hash::sha256(&aterm::print(drv, store_dir, options)?);
    Ok(DrvHash {
        hashes: per_output(&hash),
        kind,
    })
}

/// Memoised hashes modulo of derivations by path (Nix's `drvHashes`). The evaluator keeps one
/// for a whole evaluation and records each derivation it instantiates, so that a derivation
/// is hashed once however many depend on it, and without reading it back from the store.
#[derive(Clone, Debug, Default)]
pub struct DrvHashCache {
    hashes: HashMap<StorePath, DrvHash>,
}

impl DrvHashCache {
    pub fn new() -> DrvHashCache {
        DrvHashCache::default()
    }

    pub fn get(&self, drv_path: &StorePath) -> Option<&DrvHash> {
        self.hashes.get(drv_path)
    }

    pub fn insert(&mut self, drv_path: StorePath, hash: DrvHash) {
        self.hashes.insert(drv_path, hash);
    }

    /// The (unmasked) hash modulo of the derivation at `drv_path`; derivations not yet in the
    /// cache are obtained from `read` and hashed, recursively.
    pub fn hash_of<R>(
        &mut self,
        store_dir: &StoreDir,
        drv_path: &StorePath,
        read: &mut R,
    ) -> Result<DrvHash>
    where
        R: FnMut(&StorePath) -> Result<Derivation>,
    {
        if let Some(hash) = self.hashes.get(drv_path) {
            return Ok(hash.clone());
        }
        let drv = read(drv_path)?;
        let hash = self.hash_derivation(store_dir, &drv, false, read)?;
        self.hashes.insert(drv_path.clone(), hash.clone());
        Ok(hash)
    }

    /// [`hash_derivation_modulo`] with the inputs resolved through the cache.
    pub fn hash_derivation<R>(
        &mut self,
        store_dir: &StoreDir,
        drv: &Derivation,
        mask_outputs: bool,
        read: &mut R,
    ) -> Result<DrvHash>
    where
        R: FnMut(&StorePath) -> Result<Derivation>,
    {
        hash_derivation_modulo(store_dir, drv, mask_outputs, &mut |path: &StorePath| {
            self.hash_of(store_dir, path, read)
        })
    }
}

/// Completes a derivation the evaluator has assembled, as `derivationStrict` does before
/// writing it, and returns its `.drv` path and text.
///
/// The caller sets `outputs` to the right kind: `CaFixed` for `outputHash`, `CaFloating` or
/// `Impure` for content-addressed and impure derivations, and `Deferred` (path unknown) for
/// every output of an ordinary derivation. This fills in:
///
/// * for a fixed output, `env.out` = its path;
/// * for floating and impure outputs, `env.<output>` = its placeholder ([`hash_placeholder`]);
/// * for ordinary derivations, the hash modulo of the derivation with blanked outputs, then
///   each output's path `make_output_path(output, hash, name)` and `env.<output>` = that path
///   (or, when an input is floating, the outputs stay deferred with `env.<output>` = `""`).
///
/// Afterwards the derivation's unmasked hash modulo is recorded in `cache` under its `.drv`
/// path, as Nix does (needed in read-only mode, where nothing can be read back).
pub fn finish_derivation<R>(
    store_dir: &StoreDir,
    drv: &mut Derivation,
    cache: &mut DrvHashCache,
    read: &mut R,
) -> Result<(StorePath, Vec<u8>)>
where
    R: FnMut(&StorePath) -> Result<Derivation>,
{
    match drv.kind()? {
        DerivationType::Fixed => {
            let path = drv
                .outputs
                .get("out")
                .map(|o| o.path(store_dir, &drv.name, "out"))
                .transpose()?
                .flatten();
            if let Some(path) = path {
                drv.env
                    .insert("out".to_owned(), store_dir.print(&path).into_bytes());
            }
        }
        DerivationType::Floating | DerivationType::Impure => {
            for name in drv.outputs.keys() {
                drv.env
                    .insert(name.clone(), hash_placeholder(name).into_bytes());
            }
        }
        DerivationType::InputAddressed => {
            let names: Vec<String> = drv.outputs.keys().cloned().collect();
            for name in &names {
                drv.env.insert(name.clone(), Vec::new());
                drv.outputs.insert(name.clone(), DerivationOutput::Deferred);
            }
            let modulo = cache.hash_derivation(store_dir, drv, true, read)?;
            if modulo.kind == DrvHashKind::Regular {
                for name in &names {
                    let hash = modulo
                        .hashes
                        .get(name)
                        .ok_or_else(|| Error::BadDerivation {
                            message: format!(
                                "no hash for output '{name}' of derivation '{}'",
                                drv.name
                            ),
                        })?;
                    let path = store_dir.make_output_path(name, hash, &drv.name)?;
                    drv.env
                        .insert(name.clone(), store_dir.print(&path).into_bytes());
                    drv.outputs
                        .insert(name.clone(), DerivationOutput::InputAddressed(path));
                }
            }
        }
    }
    let (path, text) = drv.store_path(store_dir)?;
    let hash = cache.hash_derivation(store_dir, drv, false, read)?;
    cache.insert(path.clone(), hash);
    Ok((path, text))
}

/// The placeholder that stands for an output's path in a floating content-addressed or impure
/// derivation's own environment: `/` and the nix32 SHA-256 of `nix-output:<output>`.
pub fn hash_placeholder(output_name: &str) -> String {
    let hash = Hash::sha256(format!("nix-output:{output_name}").as_bytes());
    format!("/{}", hash.encode(HashEncoding::Nix32, false))
}

/// The placeholder that stands for an output of a floating content-addressed input derivation
/// in a dependent derivation: `/` and the nix32 SHA-256 of
/// `nix-upstream-output:<drv hash part>:<output path name>`.
pub fn downstream_placeholder(drv_path: &StorePath, output_name: &str) -> String {
    let drv_name = drv_path
        .name()
        .strip_suffix(".drv")
        .unwrap_or(drv_path.name());
    let text = format!(
        "nix-upstream-output:{}:{}",
        drv_path.hash_part(),
        output_path_name(drv_name, output_name)
    );
    format!(
        "/{}",
        Hash::sha256(text.as_bytes()).encode(HashEncoding::Nix32, false)
    )
}

#[cfg(test)]
pub(crate) mod tests;

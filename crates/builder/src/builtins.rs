//! The builders Nix runs inside itself rather than as a program (`builder = "builtin:…"`).
//! Nix 2.8 has `builtin:fetchurl` (what `<nix/fetchurl.nix>` makes) and `builtin:buildenv`;
//! ntop has the first, without a network: only `file://` URLs and absolute paths are read,
//! as by the evaluator's fetchers.
//!
//! `builtin:fetchurl` writes the file at `url` to the output `out`. With `unpack = "1"` the
//! file is a NAR — xz-compressed when the URL ends in `.xz` — restored as the output (what
//! nixpkgs' bootstrap tools are); with `executable = "1"` the output is made executable. Its
//! hash is checked afterwards like any fixed output's. Nix's `hashed-mirrors` are URLs, so
//! there is nothing for ntop to try there.
//!
//! The builder runs in ntop's process, outside the sandbox (Nix 2.8 runs it in its sandbox,
//! where a `file://` URL outside `sandbox-paths` cannot be read; without the sandbox it reads
//! it as the build user). When root builds as a build user, the file is opened with that
//! user's file-system identity, so root's builds read only what the build user may read; the
//! output is written by ntop, from the NAR format's checked names (no `..`, no `/`, sorted, so
//! nothing is written through a symlink it created).

use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use ntop_store::{Derivation, DerivationOutput};

/// Runs the builtin builder `name` of `drv`, its output `out` placed at `out`; `reader` is
/// the build user (uid, gid) that the input is read as, if any. The error is the line Nix's
/// builder would print before exiting unsuccessfully.
pub fn run(
    name: &[u8],
    drv: &Derivation,
    out: Option<&Path>,
    reader: Option<(u32, u32)>,
) -> Result<(), String> {
    match name {
        b"fetchurl" => {
            let out = out.ok_or("attribute 'out' missing")?;
            fetchurl(drv, out, reader)
        }
        _ => Err(format!(
            "unsupported builtin builder '{}'",
            String::from_utf8_lossy(name)
        )),
    }
}

fn fetchurl(drv: &Derivation, out: &Path, reader: Option<(u32, u32)>) -> Result<(), String> {
    let env = |name: &str| {
        drv.env
            .get(name)
            .map(|v| String::from_utf8_lossy(v).into_owned())
    };
    let fixed = drv
        .outputs
        .values()
        .any(|o| matches!(o, DerivationOutput::CaFixed { .. }));
    if !fixed {
        return Err("'builtin:fetchurl' must be a fixed-output derivation".into());
    }
    let url = env("url").ok_or("attribute 'url' missing")?;
    let unpack = env("unpack").as_deref() == Some("1");
    let executable = env("executable").as_deref() == Some("1");
    // curl's words (Nix 2.8 downloads through it) for a file:// URL it cannot read.
    let unreadable = || format!("unable to download '{url}': Couldn't read a file:// file (37)");
    let source = open_as(&local_file(&url)?, reader).map_err(|_| unreadable())?;
    if !source.metadata().is_ok_and(|m| m.is_file()) {
        return Err(unreadable());
    }
    if let Some(parent) = out.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("creating '{}': {e}", parent.display()))?;
    }
    if unpack {
        let source: Box<dyn Read> = if url.ends_with(".xz") {
            Box::new(liblzma::read::XzDecoder::new_multi_decoder(source))
        } else {
            Box::new(source)
        };
        ntop_store::nar::restore(io::BufReader::new(source), out).map_err(|e| e.to_string())?;
    } else {
        let mut target = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(out)
            .map_err(|e| format!("creating '{}': {e}", out.display()))?;
        io::copy(&mut io::BufReader::new(source), &mut target).map_err(|_| unreadable())?;
        fs::set_permissions(out, fs::Permissions::from_mode(0o644))
            .map_err(|e| format!("setting the permissions of '{}': {e}", out.display()))?;
    }
    if executable {
        fs::set_permissions(out, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("making '{}' executable: {e}", out.display()))?;
    }
    Ok(())
}

/// The file a URL names: `file://PATH` or an absolute path.
fn local_file(url: &str) -> Result<PathBuf, String> {
    let path = url.strip_prefix("file://").unwrap_or(url);
    if path.starts_with('/') {
        return Ok(path.into());
    }
    Err(format!(
        "unable to download '{url}': ntop has no network access; only file:// URLs and local paths can be fetched"
    ))
}

/// Opens `path` for reading, as `user` (uid, gid) if given: on a thread of its own whose
/// file-system ids are the user's and which has no supplementary groups. Linux keeps these
/// ids per thread (the raw system calls change only the calling thread, unlike glibc's
/// `setgroups`, which changes every thread), and a nonzero file-system uid has no
/// `CAP_DAC_OVERRIDE`; the open descriptor is then read by the caller.
fn open_as(path: &Path, user: Option<(u32, u32)>) -> io::Result<fs::File> {
    let Some((uid, gid)) = user else {
        return fs::File::open(path);
    };
    let path = path.to_owned();
    std::thread::spawn(move || {
        // SAFETY: these system calls take plain integers (and a null list of no groups) and
        // change only this thread's credentials, which ends after the open.
        unsafe {
            if libc::syscall(libc::SYS_setgroups, 0, std::ptr::null::<libc::gid_t>()) != 0 {
                return Err(io::Error::last_os_error());
            }
            libc::setfsgid(gid);
            libc::setfsuid(uid);
            // setfsuid reports no error; asking again returns the id in force.
            if libc::setfsuid(u32::MAX) as u32 != uid || libc::setfsgid(u32::MAX) as u32 != gid {
                return Err(io::Error::from(io::ErrorKind::PermissionDenied));
            }
        }
        fs::File::open(&path)
    })
    .join()
    .unwrap_or_else(|_| Err(io::Error::other("the reading thread failed")))
}

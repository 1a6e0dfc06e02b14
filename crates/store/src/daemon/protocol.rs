//! The worker protocol's constants and handshake, as Nix 2.8 (`worker-protocol.hh`,
//! `RemoteStore::initConnection`) has them. Versions are `major << 8 | minor`; Nix 2.8 speaks
//! 1.34, and each side uses the smaller of the two versions.

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use super::wire::{invalid, read_string, read_u64, write_bool, write_u64};

pub const WORKER_MAGIC_1: u64 = 0x6e69_7863;
pub const WORKER_MAGIC_2: u64 = 0x6478_696f;
pub const PROTOCOL_VERSION: u64 = 1 << 8 | 34;

pub fn major(version: u64) -> u64 {
    version & 0xff00
}

pub fn minor(version: u64) -> u64 {
    version & 0x00ff
}

/// Operation codes (`WorkerOp`).
pub mod op {
    pub const IS_VALID_PATH: u64 = 1;
    pub const ADD_TO_STORE: u64 = 7;
    pub const ADD_TEXT_TO_STORE: u64 = 8;
    pub const BUILD_PATHS: u64 = 9;
    pub const ADD_TEMP_ROOT: u64 = 11;
    pub const ADD_INDIRECT_ROOT: u64 = 12;
    pub const SET_OPTIONS: u64 = 19;
    pub const QUERY_PATH_INFO: u64 = 26;
    pub const QUERY_VALID_PATHS: u64 = 31;
    pub const NAR_FROM_PATH: u64 = 38;
}

/// What the handshake settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// The version both sides speak: the smaller of theirs.
    pub version: u64,
    /// The daemon's Nix version (`2.8.0`), sent from protocol 1.33 on.
    pub nix_version: Option<String>,
}

/// The client's half of the handshake, up to (not including) the daemon's log messages that
/// close it. Nix 2.8 refuses daemons older than 1.10; ntop needs 1.25 (framed `AddToStore`).
pub fn handshake(r: &mut impl Read, w: &mut impl Write) -> io::Result<Handshake> {
    write_u64(w, WORKER_MAGIC_1)?;
    w.flush()?;
    let magic = read_u64(r)?;
    if magic != WORKER_MAGIC_2 {
        return Err(invalid(
            "protocol mismatch: this is not a Nix daemon".into(),
        ));
    }
    let theirs = read_u64(r)?;
    if major(theirs) != major(PROTOCOL_VERSION) || minor(theirs) < 25 {
        return Err(invalid(format!(
            "the Nix daemon speaks protocol {}.{}, ntop needs 1.25 to 1.x",
            theirs >> 8,
            minor(theirs)
        )));
    }
    write_u64(w, PROTOCOL_VERSION)?;
    let version = theirs.min(PROTOCOL_VERSION);
    // Obsolete CPU affinity (from 1.14) and reserveSpace (from 1.11).
    write_u64(w, 0)?;
    write_bool(w, false)?;
    w.flush()?;
    let nix_version = if minor(version) >= 33 {
        Some(read_string(r)?)
    } else {
        None
    };
    Ok(Handshake {
        version,
        nix_version,
    })
}

/// The daemon's socket when the store is `daemon`, as Nix 2.8 finds it
/// (`settings.nixDaemonSocketFile`): `$NIX_DAEMON_SOCKET_PATH`, else
/// `$NIX_STATE_DIR/daemon-socket/socket`, else `/nix/var/nix/daemon-socket/socket`.
pub fn default_socket_path(env: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    let nonempty = |name: &str| env(name).filter(|p| !p.is_empty());
    if let Some(socket) = nonempty("NIX_DAEMON_SOCKET_PATH") {
        return PathBuf::from(socket);
    }
    let state = nonempty("NIX_STATE_DIR").unwrap_or_else(|| "/nix/var/nix".to_owned());
    PathBuf::from(state).join("daemon-socket/socket")
}

/// Whether a daemon listens at `socket` (a stale socket file refuses the connection).
pub fn socket_accepts(socket: &Path) -> bool {
    UnixStream::connect(socket).is_ok()
}

//! A client of the Nix daemon (`nix-daemon`, Nix 2.8): the worker protocol as Nix 2.8's
//! `RemoteStore` speaks it, over a Unix socket, synchronously.
//!
//! * [`wire`]: the framing — little-endian `u64`s, strings padded to 8 bytes, lists.
//! * [`protocol`]: the magic numbers, the handshake and the operation codes.
//! * [`log`]: the messages the daemon sends before each reply (log lines, activities,
//!   errors), read until `STDERR_LAST`.
//! * [`client`]: [`DaemonClient`], one connection and the operations evaluation and
//!   building need.
//!
//! The crates that implement this protocol (`nix-compat`'s `wire`, `nix-daemon`) are built
//! on tokio's asynchronous I/O; ntop's store is synchronous, so a blocking client of a few
//! hundred lines is simpler than an async runtime per connection.

pub mod client;
pub mod log;
pub mod protocol;
pub mod wire;

#[cfg(test)]
mod tests;

pub use client::{log_to_stderr, BuildSettings, DaemonClient, DaemonPathInfo, LogSink};
pub use protocol::{default_socket_path, socket_accepts, PROTOCOL_VERSION};

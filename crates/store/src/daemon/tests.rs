//! The client against canned byte streams: what the daemon of Nix 2.8 sends, laid out as
//! `worker-protocol.hh`, `daemon.cc` and `remote-store.cc` of Nix 2.8.0 read and write it,
//! and the exact bytes the client must send. The end-to-end check against a running
//! `nix-daemon` is `crates/cli/tests/daemon.rs`.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::io::Cursor;
use std::rc::Rc;

use super::log::{self, Message};
use super::protocol::{op, PROTOCOL_VERSION, WORKER_MAGIC_1, WORKER_MAGIC_2};
use super::wire::{self, read_bytes, read_u64, write_bytes, write_u64, FramedWriter};
use super::DaemonClient;
use crate::{IngestionMethod, StoreDir};

/// Bytes built up field by field, in the protocol's framing.
#[derive(Default)]
struct Bytes(Vec<u8>);

impl Bytes {
    fn n(mut self, n: u64) -> Self {
        write_u64(&mut self.0, n).unwrap();
        self
    }
    fn s(mut self, s: &str) -> Self {
        write_bytes(&mut self.0, s.as_bytes()).unwrap();
        self
    }
    fn strings(self, items: &[&str]) -> Self {
        items.iter().fold(self.n(items.len() as u64), |b, s| b.s(s))
    }
    fn raw(mut self, data: &[u8]) -> Self {
        self.0.extend_from_slice(data);
        self
    }
}

/// The daemon's half of the handshake at `version`, and `STDERR_LAST` ending it and
/// `SetOptions`.
fn daemon_hello(version: u64) -> Bytes {
    let b = Bytes::default().n(WORKER_MAGIC_2).n(version);
    let b = if version & 0xff >= 33 {
        b.s("2.8.0")
    } else {
        b
    };
    b.n(log::STDERR_LAST).n(log::STDERR_LAST)
}

/// What the client sends for the handshake and `SetOptions` (Nix 2.8's defaults).
fn client_hello() -> Bytes {
    Bytes::default()
        .n(WORKER_MAGIC_1)
        .n(PROTOCOL_VERSION)
        .n(0) // CPU affinity: none
        .n(0) // reserveSpace: false
        .n(op::SET_OPTIONS)
        .n(0) // keepFailed
        .n(0) // keepGoing
        .n(0) // tryFallback
        .n(0) // verbosity
        .n(1) // maxBuildJobs
        .n(0) // maxSilentTime
        .n(1) // useBuildHook
        .n(0) // buildVerbosity
        .n(0) // logType
        .n(0) // printBuildTrace
        .n(0) // buildCores
        .n(1) // useSubstitutes
        .n(0) // no overrides
}

type Client = DaemonClient<Cursor<Vec<u8>>, Vec<u8>>;

/// A client whose daemon will send `replies` after the handshake; the log messages it
/// passes on are collected.
fn client(version: u64, replies: Bytes) -> (Client, Rc<RefCell<Vec<Message>>>) {
    let from = Cursor::new(daemon_hello(version).raw(&replies.0).0);
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    let client = DaemonClient::over(
        from,
        Vec::new(),
        StoreDir::new("/nix/store").unwrap(),
        "test".into(),
        Box::new(move |m: &Message| sink.borrow_mut().push(m.clone())),
    )
    .expect("the handshake succeeds");
    (client, seen)
}

/// What the client sent after the handshake and `SetOptions`.
fn sent(client: &Client) -> &[u8] {
    &client.to[client_hello().0.len()..]
}

const TEXT: &str = "/nix/store/qy93d2ci6yrrbfvwhcvigipi4k52dd4z-hello";
const DRV: &str = "/nix/store/a1fvr7fkwrkmyn4kfsyd5vvyq5hh0y6r-a.drv";

#[test]
fn strings_are_padded_to_eight_bytes() {
    let mut out = Vec::new();
    write_bytes(&mut out, b"abc").unwrap();
    assert_eq!(
        out,
        [3, 0, 0, 0, 0, 0, 0, 0, b'a', b'b', b'c', 0, 0, 0, 0, 0]
    );
    let mut out = Vec::new();
    write_bytes(&mut out, b"").unwrap();
    assert_eq!(out, [0; 8]);
    let mut out = Vec::new();
    write_bytes(&mut out, b"12345678").unwrap();
    assert_eq!(out.len(), 16);
    assert_eq!(read_bytes(&mut Cursor::new(out)).unwrap(), b"12345678");
}

#[test]
fn broken_strings_are_errors() {
    // Padding that is not zero.
    let bad = Bytes::default().n(1).raw(&[b'a', 1, 0, 0, 0, 0, 0, 0]);
    assert!(read_bytes(&mut Cursor::new(bad.0)).is_err());
    // A length no daemon sends: refused before allocating.
    let huge = Bytes::default().n(u64::MAX);
    assert!(read_bytes(&mut Cursor::new(huge.0)).is_err());
    // A stream that ends early.
    let short = Bytes::default().n(16).raw(b"abc");
    assert!(read_bytes(&mut Cursor::new(short.0)).is_err());
    assert!(read_u64(&mut Cursor::new(vec![1, 2, 3])).is_err());
}

#[test]
fn framed_data_is_chunks_and_an_empty_chunk() {
    let mut out = Vec::new();
    let mut framed = FramedWriter::new(&mut out);
    std::io::Write::write_all(&mut framed, b"hello").unwrap();
    framed.finish().unwrap();
    assert_eq!(out, Bytes::default().n(5).raw(b"hello").n(0).0);
    let mut out = Vec::new();
    FramedWriter::new(&mut out).finish().unwrap();
    assert_eq!(out, Bytes::default().n(0).0);
}

#[test]
fn the_handshake_and_options_are_nix_2_8s() {
    let (client, seen) = client(PROTOCOL_VERSION, Bytes::default());
    assert_eq!(client.to, client_hello().0);
    assert_eq!(client.protocol_version(), PROTOCOL_VERSION);
    assert_eq!(client.nix_version(), Some("2.8.0"));
    assert!(seen.borrow().is_empty());
}

#[test]
fn an_older_daemon_sets_the_version_and_sends_no_nix_version() {
    let (client, _) = client(1 << 8 | 32, Bytes::default());
    assert_eq!(client.protocol_version(), 1 << 8 | 32);
    assert_eq!(client.nix_version(), None);
}

#[test]
fn daemons_ntop_cannot_talk_to_are_refused() {
    let dir = || StoreDir::new("/nix/store").unwrap();
    let quiet = || Box::new(|_: &Message| {}) as super::LogSink;
    for (bytes, wanted) in [
        (Bytes::default().n(0x1234), "not a Nix daemon"),
        (
            Bytes::default().n(WORKER_MAGIC_2).n(1 << 8 | 24),
            "protocol 1.24",
        ),
        (
            Bytes::default().n(WORKER_MAGIC_2).n(2 << 8 | 34),
            "protocol 2.34",
        ),
        (Bytes::default(), "failed to fill whole buffer"),
    ] {
        let err = DaemonClient::over(
            Cursor::new(bytes.0),
            Vec::new(),
            dir(),
            "sock".into(),
            quiet(),
        )
        .err()
        .expect("refused");
        let message = err.to_string();
        assert!(message.contains(wanted), "{message}");
        assert!(message.contains("'sock'"), "{message}");
        assert_eq!(err.code(), "store::daemon");
    }
}

#[test]
fn add_text_sends_name_contents_references() {
    let replies = Bytes::default().n(log::STDERR_LAST).s(TEXT);
    let (mut client, _) = client(PROTOCOL_VERSION, replies);
    let dir = StoreDir::new("/nix/store").unwrap();
    let refs: BTreeSet<_> = [dir.parse(DRV).unwrap()].into();
    let path = client.add_text("hello", b"hi\n", &refs).unwrap();
    assert_eq!(dir.print(&path), TEXT);
    let want = Bytes::default()
        .n(op::ADD_TEXT_TO_STORE)
        .s("hello")
        .s("hi\n")
        .strings(&[DRV]);
    assert_eq!(sent(&client), want.0);
}

/// `ValidPathInfo` as the daemon writes it (`ValidPathInfo::write`, format 1.34), without
/// the leading path.
fn path_info(refs: &[&str]) -> Bytes {
    Bytes::default()
        .s(DRV) // deriver
        .s("0c8d0cb6b0cef7a4ac42a3a3f1c3ad9b4ae8ec4bd89d0ea8f0c3b1d1a3e6f7a9")
        .strings(refs)
        .n(1_700_000_000) // registration time
        .n(120) // NAR size
        .n(1) // ultimate
        .strings(&[])
        .s("")
}

#[test]
fn query_path_info_reads_valid_path_info() {
    let replies = Bytes::default()
        .n(log::STDERR_LAST)
        .n(1)
        .raw(&path_info(&[TEXT]).0)
        .n(log::STDERR_LAST)
        .n(0);
    let (mut client, _) = client(PROTOCOL_VERSION, replies);
    let dir = StoreDir::new("/nix/store").unwrap();
    let text = dir.parse(TEXT).unwrap();
    let info = client.query_path_info(&text).unwrap().expect("valid");
    assert_eq!(info.nar_size, 120);
    assert_eq!(info.deriver.map(|d| dir.print(&d)).as_deref(), Some(DRV));
    assert_eq!(info.references, [text.clone()].into());
    assert!(info.ultimate);
    // The hash arrives in base 16 without its algorithm.
    assert_eq!(
        info.nar_hash.to_string(),
        "sha256:1agpwsix3cf3y2l0x7fq9gnfhjlvmp1z38x38ana9xyfn2v0r38c"
    );
    // Not valid: `false` and nothing else.
    assert_eq!(client.query_path_info(&text).unwrap(), None);
    let want = Bytes::default()
        .n(op::QUERY_PATH_INFO)
        .s(TEXT)
        .n(op::QUERY_PATH_INFO)
        .s(TEXT);
    assert_eq!(sent(&client), want.0);
}

#[test]
fn validity_queries() {
    let replies = Bytes::default()
        .n(log::STDERR_LAST)
        .n(1)
        .n(log::STDERR_LAST)
        .strings(&[TEXT]);
    let (mut client, _) = client(PROTOCOL_VERSION, replies);
    let dir = StoreDir::new("/nix/store").unwrap();
    let text = dir.parse(TEXT).unwrap();
    let drv = dir.parse(DRV).unwrap();
    assert!(client.is_valid_path(&text).unwrap());
    let valid = client.query_valid_paths(&[drv, text.clone()]).unwrap();
    assert_eq!(valid, [text].into());
    let want = Bytes::default()
        .n(op::IS_VALID_PATH)
        .s(TEXT)
        .n(op::QUERY_VALID_PATHS)
        .strings(&[DRV, TEXT])
        .n(0); // no substitution (from 1.27)
    assert_eq!(sent(&client), want.0);
}

#[test]
fn add_to_store_frames_the_nar_and_reads_the_path_and_its_info() {
    let replies = Bytes::default()
        .n(log::STDERR_LAST)
        .s(TEXT)
        .raw(&path_info(&[]).0);
    let (mut client, _) = client(PROTOCOL_VERSION, replies);
    let (path, info) = client
        .add_to_store("hello", IngestionMethod::Recursive, &mut |w| {
            crate::nar::dump_bytes(b"hi\n", &mut &mut *w).map_err(|e| crate::Error::Daemon {
                message: e.to_string(),
            })
        })
        .unwrap();
    assert_eq!(client.store_dir().print(&path), TEXT);
    assert_eq!(info.nar_size, 120);
    let mut nar = Vec::new();
    crate::nar::dump_bytes(b"hi\n", &mut nar).unwrap();
    let want = Bytes::default()
        .n(op::ADD_TO_STORE)
        .s("hello")
        .s("fixed:r:sha256")
        .strings(&[])
        .n(0) // repair
        .n(nar.len() as u64)
        .raw(&nar)
        .n(0);
    assert_eq!(sent(&client), want.0);
}

#[test]
fn log_messages_reach_the_sink_and_errors_end_the_operation() {
    // A build: an activity with a log line, then the daemon's error.
    let replies = Bytes::default()
        .n(log::STDERR_NEXT)
        .s("warning: something\n")
        .n(log::STDERR_START_ACTIVITY)
        .n(7) // id
        .n(3) // level
        .n(105) // actBuild
        .s("building '/nix/store/…-a.drv'")
        .n(2)
        .n(1)
        .s(DRV)
        .n(0)
        .n(1)
        .n(0) // parent
        .n(log::STDERR_RESULT)
        .n(7)
        .n(log::RESULT_BUILD_LOG_LINE)
        .n(1)
        .n(1)
        .s("hello from the builder")
        .n(log::STDERR_STOP_ACTIVITY)
        .n(7)
        .n(log::STDERR_ERROR)
        .s("Error")
        .n(0) // level
        .s("") // name
        .s("builder for 'a.drv' failed with exit code 1")
        .n(0) // no position
        .n(1) // one trace
        .n(0)
        .s("while building");
    let (mut client, seen) = client(PROTOCOL_VERSION, replies);
    let dir = StoreDir::new("/nix/store").unwrap();
    let err = client
        .build_paths(&[(dir.parse(DRV).unwrap(), vec!["out".into()])])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "builder for 'a.drv' failed with exit code 1\n… while building"
    );
    let seen = seen.borrow();
    let texts: Vec<&str> = seen.iter().filter_map(Message::user_text).collect();
    assert_eq!(
        texts,
        [
            "warning: something",
            "building '/nix/store/…-a.drv'",
            "hello from the builder"
        ]
    );
    assert_eq!(seen.last(), Some(&Message::StopActivity(7)));
    let want = Bytes::default()
        .n(op::BUILD_PATHS)
        .strings(&[&format!("{DRV}!out")])
        .n(0);
    assert_eq!(sent(&client), want.0);
}

#[test]
fn unknown_log_messages_are_errors() {
    let replies = Bytes::default().n(0xdead_beef);
    let (mut client, _) = client(PROTOCOL_VERSION, replies);
    let dir = StoreDir::new("/nix/store").unwrap();
    let err = client.is_valid_path(&dir.parse(TEXT).unwrap()).unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown log message tag 0xdeadbeef"),
        "{err}"
    );
}

#[test]
fn roots() {
    let replies = Bytes::default()
        .n(log::STDERR_LAST)
        .n(1)
        .n(log::STDERR_LAST)
        .n(1);
    let (mut client, _) = client(PROTOCOL_VERSION, replies);
    let dir = StoreDir::new("/nix/store").unwrap();
    client.add_temp_root(&dir.parse(TEXT).unwrap()).unwrap();
    client
        .add_indirect_root(std::path::Path::new("/home/u/result"))
        .unwrap();
    let want = Bytes::default()
        .n(op::ADD_TEMP_ROOT)
        .s(TEXT)
        .n(op::ADD_INDIRECT_ROOT)
        .s("/home/u/result");
    assert_eq!(sent(&client), want.0);
}

#[test]
fn a_derivation_is_read_from_its_nar() {
    let nar = Bytes::default()
        .s("nix-archive-1")
        .s("(")
        .s("type")
        .s("regular")
        .s("contents")
        .s("Derive([])")
        .s(")");
    let replies = Bytes::default().n(log::STDERR_LAST).raw(&nar.0);
    let (mut reader, _) = client(PROTOCOL_VERSION, replies);
    let dir = StoreDir::new("/nix/store").unwrap();
    let drv = dir.parse(DRV).unwrap();
    assert_eq!(reader.read_regular_file(&drv).unwrap(), b"Derive([])");
    // A directory is not a derivation, and the connection is not used again.
    let dirnar = Bytes::default()
        .n(log::STDERR_LAST)
        .s("nix-archive-1")
        .s("(")
        .s("type")
        .s("directory");
    let (mut broken, _) = client(PROTOCOL_VERSION, dirnar);
    assert!(broken.read_regular_file(&drv).is_err());
    let err = broken.is_valid_path(&drv).unwrap_err();
    assert!(err.to_string().contains("broke earlier"), "{err}");
}

#[test]
fn wire_lists_are_bounded() {
    let huge = Bytes::default().n(u64::MAX);
    assert!(wire::read_strings(&mut Cursor::new(huge.0)).is_err());
}

/// `SetOptions` before a build carries the build's limits; `timeout` goes as an override.
#[test]
fn build_settings_are_sent_as_set_options() {
    let (mut c, _) = client(PROTOCOL_VERSION, Bytes::default().n(log::STDERR_LAST));
    c.set_build_settings(&super::BuildSettings {
        keep_failed: true,
        keep_going: true,
        max_build_jobs: 3,
        max_silent_time: 7,
        build_cores: 2,
        timeout: Some(60),
    })
    .expect("the daemon accepts");
    let want = Bytes::default()
        .n(op::SET_OPTIONS)
        .n(1) // keepFailed
        .n(1) // keepGoing
        .n(0) // tryFallback
        .n(0) // verbosity
        .n(3) // maxBuildJobs
        .n(7) // maxSilentTime
        .n(1) // useBuildHook
        .n(0) // buildVerbosity
        .n(0) // logType
        .n(0) // printBuildTrace
        .n(2) // buildCores
        .n(1) // useSubstitutes
        .n(1)
        .s("timeout")
        .s("60");
    assert_eq!(sent(&c), &want.0[..]);
}

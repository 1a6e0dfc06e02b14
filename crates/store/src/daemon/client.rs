//! [`DaemonClient`]: one connection to a Nix daemon and the operations ntop needs, each as
//! Nix 2.8's `RemoteStore` sends it (protocol 1.34; `docs/store.md` lists them).

use std::collections::BTreeSet;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;

use super::log::{read_message, Message};
use super::protocol::{handshake, minor, op, Handshake};
use super::wire::{
    invalid, read_bool, read_bytes, read_string, read_strings, read_u64, write_bool, write_bytes,
    write_str, write_strings, write_u64, FramedWriter,
};
use crate::{Error, Hash, HashAlgo, IngestionMethod, Result, StoreDir, StorePath};

/// What the daemon knows of a valid path (`ValidPathInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonPathInfo {
    pub deriver: Option<StorePath>,
    pub nar_hash: Hash,
    pub references: BTreeSet<StorePath>,
    pub registration_time: u64,
    pub nar_size: u64,
    pub ultimate: bool,
    pub sigs: Vec<String>,
    pub ca: String,
}

/// Where the daemon's log messages go.
pub type LogSink = Box<dyn FnMut(&Message)>;

/// What a client asks of the daemon's builds (`SetOptions`); the default is what Nix 2.8's
/// client sends without options: one job, all cores, no limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildSettings {
    pub keep_failed: bool,
    pub keep_going: bool,
    pub max_build_jobs: u64,
    /// Seconds; 0: no limit.
    pub max_silent_time: u64,
    /// `NIX_BUILD_CORES`; 0: all.
    pub build_cores: u64,
    /// The `timeout` setting, in seconds, when given.
    pub timeout: Option<u64>,
}

impl Default for BuildSettings {
    fn default() -> Self {
        BuildSettings {
            keep_failed: false,
            keep_going: false,
            max_build_jobs: 1,
            max_silent_time: 0,
            build_cores: 0,
            timeout: None,
        }
    }
}

/// A connection to a Nix daemon; the streams are any reader and writer (a Unix socket, or
/// canned bytes in the tests).
pub struct DaemonClient<R: Read = BufReader<UnixStream>, W: Write = BufWriter<UnixStream>> {
    from: R,
    pub(super) to: W,
    handshake: Handshake,
    store_dir: StoreDir,
    /// What names the daemon in messages: its socket.
    name: String,
    log: LogSink,
    /// Set when a reply could not be read to its end: the stream is out of step.
    broken: bool,
}

/// Prints what a user should see of a message on standard error, as Nix's client does.
pub fn log_to_stderr() -> LogSink {
    Box::new(|m: &Message| {
        if let Some(text) = m.user_text() {
            eprintln!("{text}");
        }
    })
}

impl DaemonClient {
    /// Connects to the daemon at `socket`, shakes hands and sets the client's options.
    pub fn connect(socket: &Path, store_dir: StoreDir) -> Result<DaemonClient> {
        let stream = UnixStream::connect(socket).map_err(|e| Error::Daemon {
            message: format!(
                "cannot connect to the Nix daemon at '{}': {e}",
                socket.display()
            ),
        })?;
        let from = BufReader::new(stream.try_clone().map_err(|e| Error::Daemon {
            message: format!("cannot use the Nix daemon's socket: {e}"),
        })?);
        let to = BufWriter::new(stream);
        DaemonClient::over(
            from,
            to,
            store_dir,
            socket.display().to_string(),
            log_to_stderr(),
        )
    }
}

impl<R: Read, W: Write> DaemonClient<R, W> {
    /// A client over the given streams: the handshake, then `SetOptions`.
    pub fn over(
        mut from: R,
        mut to: W,
        store_dir: StoreDir,
        name: String,
        log: LogSink,
    ) -> Result<DaemonClient<R, W>> {
        let handshake = handshake(&mut from, &mut to).map_err(|e| Error::Daemon {
            message: format!("cannot talk to the Nix daemon at '{name}': {e}"),
        })?;
        let mut client = DaemonClient {
            from,
            to,
            handshake,
            store_dir,
            name,
            log,
            broken: false,
        };
        client.finish("connecting")?;
        client.set_options()?;
        Ok(client)
    }

    pub fn protocol_version(&self) -> u64 {
        self.handshake.version
    }

    pub fn nix_version(&self) -> Option<&str> {
        self.handshake.nix_version.as_deref()
    }

    pub fn store_dir(&self) -> &StoreDir {
        &self.store_dir
    }

    /// Replaces where log messages go.
    pub fn set_log(&mut self, log: LogSink) {
        self.log = log;
    }

    fn io(&self, doing: &str, e: io::Error) -> Error {
        Error::Daemon {
            message: format!(
                "the Nix daemon at '{}' failed while {doing}: {e}",
                self.name
            ),
        }
    }

    /// Sends what is buffered and reads the daemon's messages up to `STDERR_LAST`.
    fn finish(&mut self, doing: &str) -> Result<()> {
        self.finish_into(doing, None)
    }

    /// [`Self::finish`], with the messages going to `sink` instead of the client's log.
    fn finish_into(
        &mut self,
        doing: &str,
        mut sink: Option<&mut dyn FnMut(&Message)>,
    ) -> Result<()> {
        self.to.flush().map_err(|e| self.io(doing, e))?;
        loop {
            let message = read_message(&mut self.from, self.handshake.version).map_err(|e| {
                self.broken = true;
                self.io(doing, e)
            })?;
            match message {
                Message::Last => return Ok(()),
                Message::Error(message) => return Err(Error::Daemon { message }),
                m => match sink.as_mut() {
                    Some(sink) => sink(&m),
                    None => (self.log)(&m),
                },
            }
        }
    }

    fn check_usable(&self) -> Result<()> {
        if self.broken {
            return Err(Error::Daemon {
                message: format!(
                    "the connection to the Nix daemon at '{}' broke earlier",
                    self.name
                ),
            });
        }
        Ok(())
    }

    fn send(&mut self, doing: &str, f: impl FnOnce(&mut W) -> io::Result<()>) -> Result<()> {
        self.check_usable()?;
        f(&mut self.to).map_err(|e| self.io(doing, e))?;
        self.finish(doing)
    }

    fn reply<T>(&mut self, doing: &str, f: impl FnOnce(&mut R) -> io::Result<T>) -> Result<T> {
        f(&mut self.from).map_err(|e| self.io(doing, e))
    }

    fn parse_path(&self, s: &str) -> Result<StorePath> {
        self.store_dir.parse(s)
    }

    fn parse_paths(&self, items: Vec<String>) -> Result<BTreeSet<StorePath>> {
        items.iter().map(|s| self.parse_path(s)).collect()
    }

    fn print(&self, path: &StorePath) -> String {
        self.store_dir.print(path)
    }

    /// `SetOptions`, with Nix's defaults: the daemon's own settings stay in force.
    fn set_options(&mut self) -> Result<()> {
        self.set_build_settings(&BuildSettings::default())
    }

    /// `SetOptions` again, with what the next builds should use. The daemon applies the
    /// fixed fields for every client, and of the overrides an untrusted client's `timeout`
    /// and `max-silent-time` (Nix 2.8's `daemon.cc`).
    pub fn set_build_settings(&mut self, settings: &BuildSettings) -> Result<()> {
        let mut overrides: Vec<(&str, String)> = Vec::new();
        if let Some(t) = settings.timeout {
            overrides.push(("timeout", t.to_string()));
        }
        self.send("setting options", |w| {
            write_u64(w, op::SET_OPTIONS)?;
            write_bool(w, settings.keep_failed)?;
            write_bool(w, settings.keep_going)?;
            write_bool(w, false)?; // tryFallback
            write_u64(w, 0)?; // verbosity: lvlError
            write_u64(w, settings.max_build_jobs)?;
            write_u64(w, settings.max_silent_time)?;
            write_bool(w, true)?; // useBuildHook (obsolete)
            write_u64(w, 0)?; // buildVerbosity
            write_u64(w, 0)?; // logType (obsolete)
            write_u64(w, 0)?; // printBuildTrace (obsolete)
            write_u64(w, settings.build_cores)?;
            write_bool(w, true)?; // useSubstitutes
            write_u64(w, overrides.len() as u64)?;
            for (name, value) in &overrides {
                write_str(w, name)?;
                write_str(w, value)?;
            }
            Ok(())
        })
    }

    /// `IsValidPath`.
    pub fn is_valid_path(&mut self, path: &StorePath) -> Result<bool> {
        let p = self.print(path);
        self.send("checking a path's validity", |w| {
            write_u64(w, op::IS_VALID_PATH)?;
            write_str(w, &p)
        })?;
        self.reply("checking a path's validity", read_bool)
    }

    /// `QueryValidPaths`: those of `paths` that are valid (no substitution).
    pub fn query_valid_paths(&mut self, paths: &[StorePath]) -> Result<BTreeSet<StorePath>> {
        let printed: Vec<String> = paths.iter().map(|p| self.print(p)).collect();
        // From 1.27 the client says whether the daemon may substitute: never, here.
        let substitute_flag = minor(self.handshake.version) >= 27;
        self.send("querying valid paths", |w| {
            write_u64(w, op::QUERY_VALID_PATHS)?;
            write_strings(w, &printed)?;
            if substitute_flag {
                write_bool(w, false)?;
            }
            Ok(())
        })?;
        let valid = self.reply("querying valid paths", read_strings)?;
        self.parse_paths(valid)
    }

    fn read_path_info(&mut self, doing: &str) -> Result<DaemonPathInfo> {
        let (deriver, hash, refs, registration_time, nar_size) = self.reply(doing, |r| {
            Ok((
                read_string(r)?,
                read_string(r)?,
                read_strings(r)?,
                read_u64(r)?,
                read_u64(r)?,
            ))
        })?;
        let (ultimate, sigs, ca) = self.reply(doing, |r| {
            Ok((read_bool(r)?, read_strings(r)?, read_string(r)?))
        })?;
        Ok(DaemonPathInfo {
            deriver: match deriver.as_str() {
                "" => None,
                d => Some(self.parse_path(d)?),
            },
            nar_hash: Hash::parse_bare(&hash, HashAlgo::Sha256)?,
            references: self.parse_paths(refs)?,
            registration_time,
            nar_size,
            ultimate,
            sigs,
            ca,
        })
    }

    /// `QueryPathInfo`: `None` for a path that is not valid.
    pub fn query_path_info(&mut self, path: &StorePath) -> Result<Option<DaemonPathInfo>> {
        let p = self.print(path);
        const DOING: &str = "querying path info";
        // From 1.17 (ntop needs 1.25) an invalid path is a `false`, not an error.
        self.send(DOING, |w| {
            write_u64(w, op::QUERY_PATH_INFO)?;
            write_str(w, &p)
        })?;
        if !self.reply(DOING, read_bool)? {
            return Ok(None);
        }
        self.read_path_info(DOING).map(Some)
    }

    /// `AddTextToStore`: a text object (`builtins.toFile`, a `.drv`) with its references.
    pub fn add_text(
        &mut self,
        name: &str,
        contents: &[u8],
        references: &BTreeSet<StorePath>,
    ) -> Result<StorePath> {
        let refs: Vec<String> = references.iter().map(|p| self.print(p)).collect();
        const DOING: &str = "adding a text to the store";
        self.send(DOING, |w| {
            write_u64(w, op::ADD_TEXT_TO_STORE)?;
            write_str(w, name)?;
            write_bytes(w, contents)?;
            write_strings(w, &refs)
        })?;
        let path = self.reply(DOING, read_string)?;
        self.parse_path(&path)
    }

    /// `AddToStore` (protocol 1.25 on): a content-addressed object with SHA-256, its data
    /// written by `dump` — the NAR of a tree (`Recursive`) or a file's bytes (`Flat`).
    pub fn add_to_store(
        &mut self,
        name: &str,
        method: IngestionMethod,
        dump: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
    ) -> Result<(StorePath, DaemonPathInfo)> {
        const DOING: &str = "adding a path to the store";
        let ca_method = match method {
            IngestionMethod::Recursive => "fixed:r:sha256",
            IngestionMethod::Flat => "fixed:sha256",
        };
        let header = |w: &mut W| -> io::Result<()> {
            write_u64(w, op::ADD_TO_STORE)?;
            write_str(w, name)?;
            write_str(w, ca_method)?;
            write_strings::<&str>(w, &[])?;
            write_bool(w, false) // repair
        };
        header(&mut self.to).map_err(|e| self.io(DOING, e))?;
        let mut framed = FramedWriter::new(&mut self.to);
        dump(&mut framed)?;
        framed.finish().map_err(|e| self.io(DOING, e))?;
        self.finish(DOING)?;
        let path = self.reply(DOING, read_string)?;
        let path = self.parse_path(&path)?;
        let info = self.read_path_info(DOING)?;
        Ok((path, info))
    }

    /// `BuildPaths`: realises `drv!out1,out2…` (each derivation's named outputs) in normal
    /// mode; the builders' output arrives as log messages.
    pub fn build_paths(&mut self, targets: &[(StorePath, Vec<String>)]) -> Result<()> {
        self.build_paths_logged(targets, None)
    }

    /// [`Self::build_paths`], the daemon's messages (activities, build log lines) going to
    /// `log` instead of the client's log.
    pub fn build_paths_logged(
        &mut self,
        targets: &[(StorePath, Vec<String>)],
        log: Option<&mut dyn FnMut(&Message)>,
    ) -> Result<()> {
        let printed: Vec<String> = targets
            .iter()
            .map(|(drv, outs)| format!("{}!{}", self.print(drv), outs.join(",")))
            .collect();
        const DOING: &str = "building";
        self.check_usable()?;
        write_u64(&mut self.to, op::BUILD_PATHS)
            .and_then(|()| write_strings(&mut self.to, &printed))
            .and_then(|()| write_u64(&mut self.to, 0)) // bmNormal
            .map_err(|e| self.io(DOING, e))?;
        self.finish_into(DOING, log)?;
        self.reply(DOING, read_u64).map(drop)
    }

    /// `AddTempRoot`: keeps `path` from the daemon's collector while this connection lives.
    pub fn add_temp_root(&mut self, path: &StorePath) -> Result<()> {
        let p = self.print(path);
        const DOING: &str = "adding a temporary root";
        self.send(DOING, |w| {
            write_u64(w, op::ADD_TEMP_ROOT)?;
            write_str(w, &p)
        })?;
        self.reply(DOING, read_u64).map(drop)
    }

    /// `AddIndirectRoot`: the symlink `link` (absolute) is a root for as long as it points
    /// into the store.
    pub fn add_indirect_root(&mut self, link: &Path) -> Result<()> {
        let l = link.display().to_string();
        const DOING: &str = "adding an indirect root";
        self.send(DOING, |w| {
            write_u64(w, op::ADD_INDIRECT_ROOT)?;
            write_str(w, &l)
        })?;
        self.reply(DOING, read_u64).map(drop)
    }

    /// The contents of a regular file in the store (a `.drv`), from its NAR
    /// (`NarFromPath`: the NAR follows the log messages, unframed).
    pub fn read_regular_file(&mut self, path: &StorePath) -> Result<Vec<u8>> {
        let p = self.print(path);
        const DOING: &str = "reading a store path";
        self.send(DOING, |w| {
            write_u64(w, op::NAR_FROM_PATH)?;
            write_str(w, &p)
        })?;
        let expect = |r: &mut R, want: &str| -> io::Result<()> {
            let got = read_bytes(r)?;
            if got != want.as_bytes() {
                return Err(invalid(format!(
                    "expected '{want}' in the NAR of '{p}', got '{}'",
                    String::from_utf8_lossy(&got)
                )));
            }
            Ok(())
        };
        let result = (|| -> io::Result<Vec<u8>> {
            for token in ["nix-archive-1", "(", "type", "regular"] {
                expect(&mut self.from, token)?;
            }
            let mut next = read_bytes(&mut self.from)?;
            if next == b"executable" {
                expect(&mut self.from, "")?;
                next = read_bytes(&mut self.from)?;
            }
            if next != b"contents" {
                return Err(invalid(format!("'{p}' is not a regular file")));
            }
            let contents = read_bytes(&mut self.from)?;
            expect(&mut self.from, ")")?;
            Ok(contents)
        })();
        result.map_err(|e| {
            // The rest of the NAR is still in the stream: the connection cannot be used.
            self.broken = true;
            self.io(DOING, e)
        })
    }
}

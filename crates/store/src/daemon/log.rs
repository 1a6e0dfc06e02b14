//! The messages the daemon sends while it works on an operation, before the reply
//! (`RemoteStore::processStderr` in Nix 2.8). Each starts with a tag; `STDERR_LAST` ends the
//! sequence and the reply follows, `STDERR_ERROR` ends it with the operation's failure.

use std::io::{self, Read};

use super::wire::{invalid, read_bytes, read_string, read_u64};

pub const STDERR_NEXT: u64 = 0x6f6c_6d67;
pub const STDERR_READ: u64 = 0x6461_7461;
pub const STDERR_WRITE: u64 = 0x6461_7416;
pub const STDERR_LAST: u64 = 0x616c_7473;
pub const STDERR_ERROR: u64 = 0x6378_7470;
pub const STDERR_START_ACTIVITY: u64 = 0x5354_5254;
pub const STDERR_STOP_ACTIVITY: u64 = 0x5354_4f50;
pub const STDERR_RESULT: u64 = 0x5253_4c54;

/// `resBuildLogLine`: a line of a builder's output, in an activity's result.
pub const RESULT_BUILD_LOG_LINE: u64 = 101;

/// A field of an activity or result: a number or a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Int(u64),
    Str(String),
}

/// One message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Text for the user's terminal (a log line of the daemon's).
    Next(String),
    StartActivity {
        id: u64,
        level: u64,
        kind: u64,
        text: String,
        fields: Vec<Field>,
        parent: u64,
    },
    StopActivity(u64),
    Result {
        id: u64,
        kind: u64,
        fields: Vec<Field>,
    },
    /// The operation failed; the daemon's message (with its traces).
    Error(String),
    Last,
}

impl Message {
    /// What a user should see of the message, if anything: the daemon's text, a build's
    /// log line, an activity's description (`building '…drv'`).
    pub fn user_text(&self) -> Option<&str> {
        match self {
            Message::Next(s) => Some(s.trim_end_matches('\n')),
            Message::StartActivity { text, .. } if !text.is_empty() => Some(text),
            Message::Result { kind, fields, .. } if *kind == RESULT_BUILD_LOG_LINE => {
                match fields.first() {
                    Some(Field::Str(line)) => Some(line),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

fn read_fields(r: &mut impl Read) -> io::Result<Vec<Field>> {
    let n = read_u64(r)?;
    if n > 1 << 20 {
        return Err(invalid(format!("{n} fields in a log message")));
    }
    (0..n)
        .map(|_| match read_u64(r)? {
            0 => Ok(Field::Int(read_u64(r)?)),
            1 => Ok(Field::Str(read_string(r)?)),
            t => Err(invalid(format!("a log field of unknown type {t}"))),
        })
        .collect()
}

/// Reads one message, in the form of protocol `version`.
pub fn read_message(r: &mut impl Read, version: u64) -> io::Result<Message> {
    let tag = read_u64(r)?;
    Ok(match tag {
        STDERR_LAST => Message::Last,
        STDERR_NEXT | STDERR_WRITE => {
            Message::Next(String::from_utf8_lossy(&read_bytes(r)?).into_owned())
        }
        STDERR_ERROR if super::protocol::minor(version) >= 26 => {
            let _type = read_string(r)?; // "Error"
            let _level = read_u64(r)?;
            let _name = read_string(r)?; // obsolete, empty
            let mut message = String::from_utf8_lossy(&read_bytes(r)?).into_owned();
            let _have_pos = read_u64(r)?;
            let traces = read_u64(r)?;
            for _ in 0..traces.min(1 << 16) {
                let _have_pos = read_u64(r)?;
                let trace = String::from_utf8_lossy(&read_bytes(r)?).into_owned();
                message.push_str("\n… ");
                message.push_str(&trace);
            }
            Message::Error(message)
        }
        STDERR_ERROR => {
            let message = String::from_utf8_lossy(&read_bytes(r)?).into_owned();
            let _status = read_u64(r)?;
            Message::Error(message)
        }
        STDERR_START_ACTIVITY => Message::StartActivity {
            id: read_u64(r)?,
            level: read_u64(r)?,
            kind: read_u64(r)?,
            text: read_string(r)?,
            fields: read_fields(r)?,
            parent: read_u64(r)?,
        },
        STDERR_STOP_ACTIVITY => Message::StopActivity(read_u64(r)?),
        STDERR_RESULT => Message::Result {
            id: read_u64(r)?,
            kind: read_u64(r)?,
            fields: read_fields(r)?,
        },
        STDERR_READ => {
            return Err(invalid(
                "the Nix daemon asked for data ntop does not send (STDERR_READ)".into(),
            ))
        }
        t => return Err(invalid(format!("unknown log message tag {t:#x}"))),
    })
}
